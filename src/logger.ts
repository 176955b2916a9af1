import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured logs, context first (CONVENTIONS.md §12). Complaint text, names, phone, card and
 * ID numbers are never logged on purpose; the redaction list is a second line of defence for a
 * field that slips into a log object by mistake.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'complaint-desk' },
      redact: {
        paths: [
          'text',
          '*.text',
          'description',
          '*.description',
          'phone',
          '*.phone',
          'customerPhone',
          'customerName',
          'name',
          'req.headers.authorization',
          'req.headers.cookie',
          'req.body',
          'body',
        ],
        censor: '[redacted]',
      },
    },
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
