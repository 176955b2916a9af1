import { z } from 'zod';
import { CASE_STATUSES, BUSINESSES, CAUSES, CHANNELS, ESCALATION_LEVELS, SEVERITIES } from '../taxonomy.js';
import {
  ZAssignBody,
  ZClassificationBody,
  ZEmptyBody,
  ZEscalationBody,
  ZExtensionBody,
  ZInformationRequestBody,
  ZNewTokenBody,
  ZNewUserBody,
  ZNoteBody,
  ZReplyBody,
  ZRevealBody,
  ZTransitionBody,
  ZUserUpdateBody,
} from './action-schemas.js';

const schema = (s: z.ZodType) => z.toJSONSchema(s, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' });
const errorRef = { $ref: '#/components/schemas/Error' };
const err = (description: string) => ({ description, content: { 'application/json': { schema: errorRef } } });
const refParam = { name: 'reference', in: 'path', required: true, schema: { type: 'string', pattern: '^C-\\d{8}-\\d{4,}$' }, example: 'C-20261127-0042' };

function actionOp(summary: string, body: z.ZodType, extra: Record<string, unknown> = {}) {
  return {
    post: {
      summary,
      tags: ['actions'],
      parameters: [refParam],
      requestBody: { required: true, content: { 'application/json': { schema: schema(body) } } },
      responses: {
        '200': { description: 'Done; the action is on the case timeline.' },
        '201': { description: 'Created; the action is on the case timeline.' },
        '400': err('Invalid body (with `issues`) or a missing required field (e.g. `root_cause_required`).'),
        '401': err('No valid session or bearer token (`unauthorized`), or an expired personal token (`token_expired`).'),
        '403': err('Your role does not allow this (e.g. `supervisor_required`, `approval_required`) or CSRF failed.'),
        '404': err('No such case.'),
        '409': err('Not possible in the current state (e.g. `invalid_transition`, `conflict_of_interest`, `case_closed`).'),
        '502': err('The customer\'s chat channel did not accept the message (`delivery_failed`, `customer_unreachable`).'),
      },
      ...extra,
    },
  };
}

const list = (values: readonly string[]) => ({ type: 'string', description: `Comma-separated: ${values.join(', ')}` });

/**
 * The OpenAPI 3.1 description of the staff API, built from the same zod schemas that validate
 * the requests, so the document cannot drift from the code.
 */
export function staffOpenApiDocument(serverUrl: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Complaint Desk staff API',
      version: '1.0.0',
      description:
        'Cases, actions and staff accounts. Authenticate with `Authorization: Bearer <token>` (STAFF_API_TOKEN or a personal `cdt_…` token) or the console session cookie; cookie-authenticated writes need the `X-CSRF-Token` header. Every action is recorded on the case timeline with who, when and why.',
    },
    servers: [{ url: `${serverUrl}/api/staff` }],
    security: [{ bearer: [] }, { session: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        session: { type: 'apiKey', in: 'cookie', name: 'cd_staff' },
      },
      schemas: {
        Error: { type: 'object', required: ['error', 'message'], properties: { error: { type: 'string' }, message: { type: 'string' } } },
      },
    },
    paths: {
      '/cases': {
        get: {
          summary: 'The queue, most urgent first',
          tags: ['cases'],
          parameters: [
            { name: 'status', in: 'query', schema: list(CASE_STATUSES) },
            { name: 'severity', in: 'query', schema: list(SEVERITIES) },
            { name: 'business', in: 'query', schema: list(BUSINESSES) },
            { name: 'cause', in: 'query', schema: list(CAUSES) },
            { name: 'channel', in: 'query', schema: list(CHANNELS) },
            { name: 'intakeChannel', in: 'query', schema: { type: 'string' } },
            { name: 'escalationLevel', in: 'query', schema: list(ESCALATION_LEVELS) },
            { name: 'assignee', in: 'query', schema: { type: 'string', description: 'Staff user id, or `none` for unassigned.' } },
            { name: 'overdue', in: 'query', schema: { type: 'string', enum: ['true', 'false'] } },
            { name: 'page', in: 'query', schema: { type: 'integer', minimum: 1 } },
            { name: 'pageSize', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200 } },
          ],
          responses: { '200': { description: '`{ items, total, totalExact, page, pageSize }`: `total` is exact below 10 000 matches (or the page asked for); above, it is a lower bound and `totalExact` is false' }, '400': err('Bad filter.'), '401': err('Not logged in.') },
        },
      },
      '/cases/{reference}': {
        get: {
          summary: 'A case with its timeline, transcript and internal notes (name and phone masked)',
          tags: ['cases'],
          parameters: [refParam],
          responses: { '200': { description: '`{ case, timeline, transcript, notes }`; a note is `{ at, authorId, authorName, text }`' }, '404': err('No such case.') },
        },
      },
      '/cases/{reference}/replies': actionOp("Reply to the customer in their own chat (first reply stops the first-response clock)", ZReplyBody),
      '/cases/{reference}/transitions': actionOp('Change status: in_progress, awaiting_customer, resolved (needs resolution + rootCause), closed, reopened (needs note)', ZTransitionBody),
      '/cases/{reference}/assignment': actionOp('Claim (`"me"`), assign (supervisor) or unassign; never to a staff member the complaint names', ZAssignBody),
      '/cases/{reference}/classification': actionOp('Change severity or category with a reason (lowering severity: supervisor)', ZClassificationBody),
      '/cases/{reference}/escalations': actionOp('Escalate one level: frontline → back_office → leadership', ZEscalationBody),
      '/cases/{reference}/notes': actionOp('Add an internal note (never sent to the customer)', ZNoteBody),
      '/cases/{reference}/information-requests': actionOp('Ask the customer for information (again while a question is unanswered); status becomes or stays awaiting_customer; the question is kept on the timeline', ZInformationRequestBody),
      '/cases/{reference}/handoff': actionOp('Take over the conversation: the bot stays quiet and relays the customer', ZEmptyBody),
      '/cases/{reference}/handback': actionOp('Hand the conversation back to the bot', ZEmptyBody),
      '/cases/{reference}/extensions': actionOp('Extend the regulatory deadline (supervisor; cn second extension: admin); the customer gets the notice', ZExtensionBody),
      '/cases/{reference}/reveal': actionOp("Reveal the customer's name and phone (recorded as pii_revealed)", ZRevealBody),
      '/me': { get: { summary: 'Who am I', tags: ['account'], responses: { '200': { description: '`{ id, displayName, role, via }`' } } } },
      '/notifications': { get: { summary: 'Staff notifications (clock milestones); `readAt` and `unread=true` are the caller’s own read state', tags: ['account'], parameters: [{ name: 'unread', in: 'query', schema: { type: 'string', enum: ['true'] } }], responses: { '200': { description: '`{ items }`' } } } },
      '/notifications/{id}/read': { post: { summary: 'Mark a notification read for the caller (not for other staff)', tags: ['account'], parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: { '200': { description: 'ok' } } } },
      '/tokens': {
        post: {
          summary: 'Create a personal API token (shown once)',
          tags: ['account'],
          requestBody: { required: true, content: { 'application/json': { schema: schema(ZNewTokenBody) } } },
          responses: { '201': { description: '`{ id, token, expiresAt }`; after `expiresAt` the token is refused with 401 `token_expired`' }, '400': err('Bad body.') },
        },
      },
      '/tokens/{id}': { delete: { summary: 'Revoke a token', tags: ['account'], parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: { '200': { description: 'ok' }, '404': err('No such token.') } } },
      '/users': {
        get: { summary: 'List staff users (admin)', tags: ['users'], responses: { '200': { description: '`{ items }`' }, '403': err('Admins only.') } },
        post: {
          summary: 'Create a staff user (admin)',
          tags: ['users'],
          requestBody: { required: true, content: { 'application/json': { schema: schema(ZNewUserBody) } } },
          responses: { '201': { description: '`{ id, email }`' }, '400': err('Bad body.'), '403': err('Admins only.'), '409': err('Email taken.') },
        },
      },
      '/users/{id}': {
        patch: {
          summary: 'Change role or deactivate (admin)',
          tags: ['users'],
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          requestBody: { required: true, content: { 'application/json': { schema: schema(ZUserUpdateBody) } } },
          responses: { '200': { description: 'ok' }, '400': err('Bad body, or nothing to change (`nothing_to_change`).'), '403': err('Admins only.'), '404': err('No such user.'), '409': err('Demoting or deactivating yourself (`own_account`).') },
        },
      },
      '/openapi.json': { get: { summary: 'This document', tags: ['meta'], security: [], responses: { '200': { description: 'OpenAPI 3.1' } } } },
    },
  };
}
