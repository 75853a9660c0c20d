import type { DomainModule } from '../modules.ts';
import { checkStorage } from './doctor.ts';

/** File storage (local disk or S3): contributes its round-trip check to `gallerist doctor`. */
export const storageModule: DomainModule = {
  name: 'storage',
  doctorChecks: [checkStorage],
  build: () => ({}),
};
