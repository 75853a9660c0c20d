/** The document's info block, shared by `/api/openapi.json` and the generated web types. */
export const openApiInfo = {
  title: 'Gallerist',
  version: '0.1.0',
  description:
    'Commerce for galleries, studios, artists and service providers. State-changing calls need the x-csrf-token header (double-submit of the gallerist_csrf cookie).',
};
