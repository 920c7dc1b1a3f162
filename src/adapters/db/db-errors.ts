// Tells "the database cannot be reached" from other errors; the rule lives in lib so modules can use it too.
export { isDatabaseDown } from '../../lib/db-errors.js';
