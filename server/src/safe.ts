// Every request handler runs through runSafe: cancellation is honoured before and after the work, and a thrown
// error is logged and answered with the fallback instead of taking the server down.
import { CancellationToken, ResponseError, LSPErrorCodes } from 'vscode-languageserver/node';

export type Logger = (message: string) => void;

export function runSafe<T>(log: Logger, what: string, token: CancellationToken | undefined, fallback: T, fn: () => T): T | ResponseError<undefined> {
  if (token?.isCancellationRequested) return cancelled();
  try {
    const result = fn();
    if (token?.isCancellationRequested) return cancelled();
    return result;
  } catch (e) {
    log(`${what} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    return fallback;
  }
}

function cancelled(): ResponseError<undefined> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, 'Request cancelled');
}
