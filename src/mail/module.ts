import type { DomainModule } from '../modules.ts';
import { mailJobs } from './service.ts';

/** Outgoing mail: the outbox is written in the sender's transaction, the `mail.send` job delivers it. */
export const mailModule: DomainModule = {
  name: 'mail',
  build: ({ config, logger }) => {
    const { jobs, transport } = mailJobs(config, logger);
    return { jobs, close: async () => transport?.close() };
  },
};
