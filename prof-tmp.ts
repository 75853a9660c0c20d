import { startServeProcess } from './bench/serve-process.ts';
import { autocannon } from './bench/emulator.ts';
import { withService } from './src/db/tenancy.ts';
const s = await startServeProcess(process.env.TEST_DATABASE_URL!, { name: 'bench_prof', args: ['serve', '--demo'] });
try {
  const g = await withService(s.database.db, (tx) => tx.selectFrom('galleries').select('token').where('title', '=', 'Rivera wedding — autumn 2026').executeTakeFirstOrThrow());
  const path = `/api/shop/g/${g.token}`;
  await autocannon({ url: s.url + path, connections: 16, duration: 2 });
  const r = await autocannon({ url: s.url + path, connections: 16, duration: 4 });
  console.log('rps', r.requests.total / r.duration, 'p99', r.latency.p99, 'non2xx', r.non2xx);
} finally { await s.stop(); }
