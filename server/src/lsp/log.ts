// The language server's log function: every service and feature writes through it (to the client's output channel).
export type LogLevel = 'info' | 'warn' | 'error' | 'debug';
export type Log = (level: LogLevel, message: string) => void;
