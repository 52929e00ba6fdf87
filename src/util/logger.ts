// A logging interface shaped like VS Code's LogOutputChannel so the extension can pass its
// output channel straight in, while pure code and tests use `silentLogger` or a console logger.
// Callers must never pass a token or any other secret to a logger.

export interface Logger {
  trace(message: string, ...args: unknown[]): void;
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string | Error, ...args: unknown[]): void;
}

const ignore = (): void => undefined;

/** Discards everything; the default when no logger is given. */
export const silentLogger: Logger = {
  trace: ignore,
  debug: ignore,
  info: ignore,
  warn: ignore,
  error: ignore,
};
