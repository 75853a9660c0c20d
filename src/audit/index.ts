// The audit module's public surface: other domains import from here, never from its files.
export { type Actor, recordAudit } from './service.ts';
