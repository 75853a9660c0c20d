import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/app.ts';
import { demoIds, emu, httpClient, onboardedArtist, publishedArtwork } from './buy-testing.ts';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ env: { LOG_LEVEL: 'error' } });
});
afterAll(async () => app?.stop());

it('probe', async () => {
  const db = app.platform.deps.db;
  const ids = await demoIds(db);
  await onboardedArtist(db, app.platform.deps.stripe, app.emulatorUrl, ids['mira-okafor']);
  const artworkId = await publishedArtwork(db, ids['mira-okafor']);
  await emu(app.emulatorUrl, '/_emulator/clock/advance', { seconds: '300' });
  const r = await httpClient(app.url).post(`/api/marketplace/artworks/${artworkId}/checkout`, { email: 'a@example.com' });
  const h = await fetch(`${app.emulatorUrl}/v1/balance`, { headers: { authorization: 'Bearer sk_test_x' } });
  console.log(r.status, JSON.stringify(r.body), h.headers.get('date'), new Date().toUTCString());
  expect(1).toBe(1);
});
