// The mail module's public surface: other domains import from here, never from its files.
export { escapeHtml, renderEmail } from './layout.ts';
export { mailboxRoutes } from './routes.ts';
export { queueMail, queueMailToEach } from './service.ts';
