import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { analyzeRequest } from '../../src/agents/request-analysis.js';

const TODO_APP = readFileSync('examples/todo-app.md', 'utf8');
const API_ONLY = readFileSync('examples/api-only.md', 'utf8');

describe('agents: request analysis', () => {
  it('reads the example app: title, entities with fields, pages, contexts, capabilities', () => {
    const analysis = analyzeRequest(TODO_APP);
    expect(analysis.title).to.equal('Team Todo');
    expect(analysis.entities).to.deep.equal(['User', 'Project', 'Task', 'Comment', 'Notification']);
    expect(analysis.entityFields?.Task).to.deep.equal(['title', 'description', 'status', 'priority', 'dueDate', 'project', 'assignee:User']);
    expect(analysis.pages).to.deep.equal(['Login', 'Dashboard', 'ProjectBoard', 'TaskDetail', 'Settings']);
    expect(analysis.pageDescriptions?.ProjectBoard).to.equal('the tasks of one project in columns by status');
    expect(analysis.contexts).to.deep.equal(['identity', 'core', 'communication']);
    expect(analysis.contextEntities).to.deep.equal({ identity: ['User'], core: ['Project', 'Task'], communication: ['Comment', 'Notification'] });
    expect(analysis.integrations).to.deep.equal(['sendgrid']);
    expect(analysis).to.include({ hasFrontend: true, hasApi: true, hasDatabase: true, realtime: true, size: 'medium' });
  });

  it('sees an API-only request as having no frontend and no pages', () => {
    const analysis = analyzeRequest(API_ONLY);
    expect(analysis).to.include({ title: 'Inventory API', hasFrontend: false, hasApi: true, hasDatabase: true, realtime: false, size: 'small' });
    expect(analysis.pages).to.deep.equal([]);
    expect(analysis.entities).to.deep.equal(['Product', 'StockLevel']);
    for (const phrase of ['a backend only service', 'A headless service', 'No UI is needed', 'an API-only service']) {
      expect(analyzeRequest(`# S\n\nBuild ${phrase} that stores Orders.`).hasFrontend, phrase).to.equal(false);
    }
  });

  it('falls back to capitalised nouns after manage/track/store, then the nouns of the prose, singular, capped at 12', () => {
    const analysis = analyzeRequest('Gym tracker\n\nMembers can track Workouts, Exercises and Goals for their Team. Coaches manage Classes.');
    expect(analysis.title).to.equal('Gym tracker');
    expect(analysis.entities.slice(0, 4)).to.deep.equal(['Workout', 'Exercise', 'Goal', 'Class']);
    expect(analysis.entities.slice(4)).to.have.members(['Member', 'Team', 'Coach']);
    const many = Array.from({ length: 20 }, (_, n) => `Thing${String.fromCharCode(65 + n)}s`).join(', ');
    expect(analyzeRequest(`# Big\n\nIt stores ${many}.`).entities).to.have.length(12);
  });

  it('implies pages from keywords when a frontend is wanted and none are listed', () => {
    const analysis = analyzeRequest('# Notes\n\nA web app with a login, a dashboard and a settings screen where users store Notes.');
    expect(analysis.pages).to.deep.equal(['Login', 'Dashboard', 'Settings']);
    expect(analyzeRequest('# Notes\n\nA website that stores Notes.').pages).to.deep.equal(['Home']);
  });

  it('finds known integrations in order of appearance and real-time wording', () => {
    const analysis = analyzeRequest('# Shop\n\nA web shop: pay with Stripe, email receipts through SendGrid, files on Amazon S3. Live updates of stock.');
    expect(analysis.integrations).to.deep.equal(['stripe', 'sendgrid', 's3']);
    expect(analysis.realtime).to.equal(true);
    expect(analyzeRequest('# Shop\n\nA web shop that stores Orders.').realtime).to.equal(false);
  });

  it('sizes by entities and pages, and always has a context when there is a database', () => {
    const entities = (n: number): string => Array.from({ length: n }, (_, i) => `- Item${String.fromCharCode(65 + i)}: name`).join('\n');
    const pages = (n: number): string => Array.from({ length: n }, (_, i) => `- Page${String.fromCharCode(65 + i)}`).join('\n');
    expect(analyzeRequest(`# A\n\n## Entities\n${entities(3)}\n\n## Pages\n${pages(2)}`).size).to.equal('small');
    expect(analyzeRequest(`# A\n\n## Entities\n${entities(4)}\n\n## Pages\n${pages(2)}`).size).to.equal('medium');
    expect(analyzeRequest(`# A\n\n## Entities\n${entities(8)}`).size).to.equal('large');
    expect(analyzeRequest(`# A\n\n## Entities\n${entities(2)}\n\n## Pages\n${pages(8)}`).size).to.equal('large');
    const empty = analyzeRequest('# Store\n\nA web app that stores things in a database.');
    expect(empty).to.include({ hasDatabase: true });
    expect(empty.contexts).to.deep.equal(['core']);
  });

  it('is deterministic', () => {
    expect(analyzeRequest(TODO_APP)).to.deep.equal(analyzeRequest(TODO_APP));
  });
});
