// node bare-fastify.mjs PORT FILE: the floor for a Node web framework. Reads FILE once and
// answers GET / with those bytes from memory, with no compression, logging or other work.
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const [port, file] = process.argv.slice(2);
if (!port || !file) {
  console.error('usage: node bare-fastify.mjs PORT FILE');
  process.exit(2);
}
const body = readFileSync(file);
const app = Fastify({ logger: false });
app.get('/', (_request, reply) => {
  reply.header('content-type', 'text/html; charset=utf-8').send(body);
});
await app.listen({ port: Number(port), host: '127.0.0.1' });
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void app.close().then(() => process.exit(0)));
