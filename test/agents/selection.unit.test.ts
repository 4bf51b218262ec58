import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { analyzeRequest } from '../../src/agents/request-analysis.js';
import { INSTANCE_KEY_PATTERN, planSummary, selectAgents } from '../../src/agents/selection.js';
import type { AgentInstance, StageNumber } from '../../src/agents/types.js';
import { ValidationError } from '../../src/errors/app-error.js';
import { LARGE_REQUEST } from './fixtures.js';


const TODO_APP = analyzeRequest(readFileSync('examples/todo-app.md', 'utf8'));
const API_ONLY = analyzeRequest(readFileSync('examples/api-only.md', 'utf8'));
const LARGE = analyzeRequest(LARGE_REQUEST);

const ids = (plan: AgentInstance[]): string[] => [...new Set(plan.map((instance) => instance.agentId))];

describe('agents: selection', () => {
  it('gives an API-only request no frontend (stage 5) agents', () => {
    const plan = selectAgents(API_ONLY);
    expect(plan.filter((instance) => instance.stage === 5)).to.deep.equal([]);
    expect(ids(plan)).to.not.include.members(['e2e-test-creator', 'user-guide-writer']);
    expect(ids(plan)).to.include.members(['route-creator', 'schema-designer', 'unit-test-creator', 'final-validation-agent']);
  });

  it('selects fewer agents for a small request than for a large one, and 100+ for a large one', () => {
    const small = selectAgents(API_ONLY).length;
    const medium = selectAgents(TODO_APP).length;
    const large = selectAgents(LARGE).length;
    expect(LARGE).to.include({ size: 'large' });
    expect(LARGE.integrations).to.have.length(3);
    expect(small).to.be.lessThan(medium);
    expect(medium).to.be.lessThan(large);
    expect(large).to.be.at.least(100);
    expect(ids(selectAgents(LARGE))).to.include('load-tester');
    expect(ids(selectAgents(TODO_APP))).to.not.include('load-tester');
    expect(ids(selectAgents(API_ONLY))).to.not.include.members(['performance-planner', 'index-optimizer']);
  });

  it('fans out per page, entity, context and integration with unique, job-id-safe keys', () => {
    for (const analysis of [API_ONLY, TODO_APP, LARGE]) {
      const plan = selectAgents(analysis);
      const keys = plan.map((instance) => instance.instanceKey);
      expect(new Set(keys).size).to.equal(keys.length);
      for (const key of keys) expect(key).to.match(INSTANCE_KEY_PATTERN);
      expect(plan.map((instance) => instance.stage)).to.deep.equal(plan.map((instance) => instance.stage).sort((a, b) => a - b));
    }
    const plan = selectAgents(TODO_APP);
    const keysOf = (id: string): string[] => plan.filter((instance) => instance.agentId === id).map((instance) => instance.instanceKey);
    expect(keysOf('page-creator')).to.deep.equal(['login', 'dashboard', 'project-board', 'task-detail', 'settings'].map((page) => `page-creator.${page}`));
    expect(keysOf('schema-designer')).to.deep.equal(['schema-designer.identity', 'schema-designer.core', 'schema-designer.communication']);
    expect(keysOf('third-party-service-integrator')).to.deep.equal(['third-party-service-integrator.sendgrid']);
    expect(keysOf('system-architect')).to.deep.equal(['system-architect']);
    expect(plan.find((instance) => instance.instanceKey === 'controller-generator.task')).to.deep.include({ subject: 'Task', stage: 4, critical: false });
  });

  it('runs a critical per-subject role once without a subject when there are no subjects', () => {
    const plan = selectAgents({ ...API_ONLY, entities: [], entityFields: {} });
    expect(plan.filter((instance) => instance.agentId === 'unit-test-creator')).to.deep.equal([{ agentId: 'unit-test-creator', stage: 7, instanceKey: 'unit-test-creator.general', critical: true }]);
    expect(plan.filter((instance) => instance.agentId === 'controller-generator')).to.deep.equal([]);
  });

  it('includes and excludes stages and agents', () => {
    const forced = selectAgents(API_ONLY, { includeAgents: ['load-tester', 'page-creator'] });
    expect(ids(forced)).to.include.members(['load-tester', 'page-creator']);
    expect(forced.find((instance) => instance.agentId === 'page-creator')?.instanceKey).to.equal('page-creator.general');

    const withoutQa = selectAgents(TODO_APP, { excludeStages: [10], excludeAgents: ['risk-analyzer'] });
    expect(withoutQa.some((instance) => instance.stage === 10 || instance.agentId === 'risk-analyzer')).to.equal(false);

    const frontendForced = selectAgents(API_ONLY, { includeStages: [5] });
    expect(new Set(frontendForced.filter((instance) => instance.stage === 5).map((instance) => instance.agentId)).size).to.equal(8);

    const oneBack = selectAgents(TODO_APP, { excludeStages: [10], includeAgents: ['final-validation-agent'] });
    expect(oneBack.filter((instance) => instance.stage === 10).map((instance) => instance.agentId)).to.deep.equal(['final-validation-agent']);
    expect(selectAgents(TODO_APP, { includeStages: [5], excludeAgents: ['asset-optimizer'] }).some((instance) => instance.agentId === 'asset-optimizer')).to.equal(false);
  });

  it('refuses unknown agents and stages, naming the bad value', () => {
    expect(() => selectAgents(TODO_APP, { includeAgents: ['route-creater'] })).to.throw(ValidationError, /includeAgents: unknown agent "route-creater"/);
    expect(() => selectAgents(TODO_APP, { excludeAgents: ['nope'] })).to.throw(ValidationError, /"nope"/);
    expect(() => selectAgents(TODO_APP, { excludeStages: [11 as StageNumber] })).to.throw(ValidationError, /excludeStages: unknown stage 11/);
    expect(() => selectAgents(TODO_APP, { includeStages: [2.5 as StageNumber] })).to.throw(ValidationError, /2\.5/);
    expect(() => selectAgents(TODO_APP, { includeAgents: ['risk-analyzer'], excludeAgents: ['risk-analyzer'] })).to.throw(ValidationError, /both included and excluded/);
  });

  it('summarises a plan per stage', () => {
    const plan = selectAgents(TODO_APP);
    const summary = planSummary(plan);
    expect(summary.total).to.equal(plan.length);
    expect(summary.stages).to.have.length(10);
    expect(summary.stages.reduce((sum, stage) => sum + stage.instances, 0)).to.equal(plan.length);
    expect(summary.stages[4]).to.deep.include({ stage: 5, name: 'Frontend Development', agents: 8 });
    expect(planSummary(selectAgents(API_ONLY)).stages[4]).to.deep.include({ agents: 0, instances: 0, critical: 0 });
  });
});
