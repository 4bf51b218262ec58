/**
 * The request every engine run of the bench executes: 2 entities in 2 bounded contexts, 2 pages,
 * one integration, real-time — a small request whose plan is 55 agent instances, like the
 * catalogue's 55 roles (the bench prints the exact count it gets from selectAgents).
 */
import type { SelectionOptions } from '../src/agents/types.js';

export const BENCH_REQUEST = `# Bench Notes

A small web app with an API where a user keeps notes and gets real-time updates and a daily summary mailed through SendGrid.

## Entities
- User: email, name
- Note: title, body, user

## Pages
- Login: sign in
- Notes: the list of notes
`;

export const BENCH_OPTIONS: SelectionOptions = {};
