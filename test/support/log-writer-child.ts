// A separate process that writes numbered lines through the production logger, for the multi-writer test.
import { createLogger } from '../../src/core/logging/create-logger';

const [dir, name, count] = process.argv.slice(2);
const logger = createLogger({ dir: dir ?? '.', level: 'info', maxFileBytes: 16 * 1024, maxFiles: 1000 });
for (let index = 0; index < Number(count); index += 1) {
  logger.info('line', { writer: name, n: index, padding: 'x'.repeat(80) });
  if (index % 50 === 0) logger.error('boom', new Error(`failure ${index}`), { writer: name, n: index });
}
void logger.close().then(() => process.exit(0));
