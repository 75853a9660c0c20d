import pino from 'pino';
import { platformModules } from '../assembly.ts';
import { systemClock } from '../clock.ts';
import { createStripeClient } from '../commerce/index.ts';
import { loadConfig } from '../config.ts';
import type { DB } from '../db/types.ts';
import { assemble, type DomainModule } from '../modules.ts';
import { createApi } from './app.ts';
import { openApiInfo } from './openapi-info.ts';

/**
 * The platform's OpenAPI 3.1 document, built without a database or Stripe: routes are only described, never called
 * (for the web app's generated types and the document tests).
 */
export function platformOpenApiDocument(modules: readonly DomainModule[] = platformModules) {
  const base = {
    config: loadConfig({ DATA_DIR: '/tmp/gallerist-openapi', LOG_LEVEL: 'silent', PORT: '3000' }),
    db: {} as DB,
    clock: systemClock,
    logger: pino({ level: 'silent' }),
    stripe: createStripeClient('sk_test_unused', 'http://127.0.0.1:9'),
  };
  return createApi(assemble(modules, base).routes).getOpenAPI31Document({ openapi: '3.1.0', info: openApiInfo });
}
