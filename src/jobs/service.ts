// The jobs module's public API; runner.ts holds the implementation entry points.
export * from './runner.ts';
