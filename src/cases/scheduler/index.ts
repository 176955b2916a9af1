export * from './schedule-job.js';
export * from './worker.js';
