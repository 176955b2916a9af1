export * from './calendar.js';
export * from './clock-state.js';
export * from './compute-deadlines.js';
export * from './extend-regulatory-deadline.js';
export * from './next-due.js';
export * from './notices.js';
export * from './policy.js';
export * from './zoned-time.js';
