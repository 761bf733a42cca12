// node bare-node-http.mjs PORT FILE HEADERS.json: the floor for a Node web server. Reads FILE
// once and answers every GET with those bytes and the given response headers (the service's
// own, so both send the same), with nothing else: no routing, hooks, compression or logging.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const [port, file, headersFile] = process.argv.slice(2);
if (!port || !file || !headersFile) {
  console.error('usage: node bare-node-http.mjs PORT FILE HEADERS.json');
  process.exit(2);
}
const body = readFileSync(file);
const headers = { ...JSON.parse(readFileSync(headersFile, 'utf8')), 'content-length': String(body.length) };
const server = createServer((_request, response) => {
  response.writeHead(200, headers);
  response.end(body);
});
// Fastify's default, so connections are kept alike.
server.keepAliveTimeout = 72_000;
server.listen(Number(port), '127.0.0.1');
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => server.close(() => process.exit(0)));
