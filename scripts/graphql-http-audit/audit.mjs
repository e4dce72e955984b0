// Runs the graphql-http audit suite (the GraphQL over HTTP spec's MUSTs,
// SHOULDs and MAYs, as checked by the npm package graphql-http) against a
// running server and fails on any error or warning. Notices (MAYs not done)
// are listed but do not fail.
//
//   node scripts/graphql-http-audit/audit.mjs http://127.0.0.1:8080/graphql
//
// Install the pinned packages first: npm ci --prefix scripts/graphql-http-audit
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs GRAPHQL_URL');
  process.exit(2);
}

const counts = { ok: 0, notice: 0, warn: 0, error: 0 };
for (const audit of serverAudits({ url })) {
  const r = await audit.fn();
  counts[r.status]++;
  if (r.status === 'ok') continue;
  let body = '';
  try {
    body = await r.response.text();
  } catch {
    body = '(body already read)';
  }
  console.log(`${r.status.toUpperCase()} ${r.id} ${r.name}\n  ${r.reason}\n  HTTP ${r.response.status} ${r.response.headers.get('content-type')}: ${body.slice(0, 300)}`);
}
console.log(`graphql-http audit of ${url}: ${counts.ok} ok, ${counts.notice} notices, ${counts.warn} warnings, ${counts.error} errors`);
process.exit(counts.warn + counts.error > 0 ? 1 : 0);
