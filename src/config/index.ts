export { loadConfig, ConfigError } from './load-config.js';
export type { Config } from './config.schema.js';
