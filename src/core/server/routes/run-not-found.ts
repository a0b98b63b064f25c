import type { HttpRejection } from '../http-rejection';

export function runNotFound(runId: string): HttpRejection {
  return {
    status: 404,
    code: 'run_not_found',
    message: `No run ${runId} is known to this server.`,
    remedy: 'List runs with GET /runs; finished runs are kept for a while, then forgotten.',
  };
}
