// `npm start`: an RTM server on the embedded defaults (in-memory state, any appId, no token).
// PORT and HOST override where it listens.
import { createServer } from '../dist/server.mjs';

const server = await createServer({
  port: Number(process.env.PORT ?? 8080),
  host: process.env.HOST ?? '127.0.0.1',
});
console.log(`sig2rtm listening: ${server.url}`);
console.log('development mode: any appId may log in, tokens are not checked');
const stop = async () => {
  await server.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
