export * from './api-router.js';
export * from './page-router.js';
export * from './report-range.js';
export * from './report-tables.js';
export * from './summary.js';
