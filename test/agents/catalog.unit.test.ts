import { expect } from 'chai';
import { AGENT_ROLES, getRole, producedPaths, rolesOfStage } from '../../src/agents/catalog/index.js';
import { STAGES, getStage, stageFromQueueName, stageQueueName } from '../../src/agents/stages.js';
import { NotFoundError, ValidationError } from '../../src/errors/app-error.js';
import { matches } from './simulate.js';

const EXPECTED: Record<number, [string, string, string[]]> = {
  1: ['requirements', 'Requirements Analysis', ['Requirements Parser', 'User Story Generator', 'Acceptance Criteria Creator', 'Risk Analyzer', 'Scope Validator']],
  2: ['architecture', 'Architecture Design', ['System Architect', 'Database Designer', 'API Designer', 'Security Architect', 'Performance Planner', 'Tech Stack Selector']],
  3: ['database', 'Database Schema', ['Schema Designer', 'Migration Creator', 'Seed Data Generator', 'Index Optimizer', 'Relationship Validator']],
  4: ['api', 'API Development', ['Route Creator', 'Controller Generator', 'Middleware Developer', 'Validation Creator', 'Error Handler', 'Authentication Manager', 'Authorization Manager']],
  5: ['frontend', 'Frontend Development', ['Component Generator', 'Page Creator', 'State Manager', 'API Integration Specialist', 'UI/UX Designer', 'Form Handler', 'Routing Manager', 'Asset Optimizer']],
  6: ['integration', 'Integration', ['API Integration Tester', 'Database Integration Validator', 'Third-party Service Integrator', 'WebSocket Handler', 'Event Bus Manager']],
  7: ['testing', 'Testing', ['Unit Test Creator', 'Integration Test Creator', 'E2E Test Creator', 'Performance Tester', 'Security Tester', 'Load Tester', 'Test Coverage Analyzer']],
  8: ['documentation', 'Documentation', ['API Documentation Generator', 'README Creator', 'Code Comment Generator', 'User Guide Writer']],
  9: ['deployment', 'Deployment', ['Dockerfile Creator', 'CI/CD Pipeline Generator', 'Environment Config Manager', 'Deployment Script Creator']],
  10: ['qa', 'Quality Assurance', ['Code Review Agent', 'Security Audit Agent', 'Performance Audit Agent', 'Final Validation Agent']],
};

describe('agents: stages', () => {
  it('has the ten stages in order with their keys, names and queue names', () => {
    expect(STAGES.map((stage) => stage.number)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const stage of STAGES) {
      const [key, name] = EXPECTED[stage.number] ?? [];
      expect([stage.key, stage.name]).to.deep.equal([key, name]);
      expect(stageFromQueueName(stageQueueName(stage.number))).to.equal(stage);
    }
    expect(stageQueueName(1)).to.equal('stage.01-requirements');
    expect(stageQueueName(10)).to.equal('stage.10-qa');
  });

  it('refuses stage numbers outside 1..10', () => {
    expect(() => getStage(0)).to.throw(ValidationError, /unknown stage 0/);
    expect(() => stageQueueName(11)).to.throw(ValidationError);
    expect(stageFromQueueName('stage.03-api')).to.equal(undefined);
  });
});

describe('agents: the catalogue', () => {
  it('holds 55 roles with unique kebab-case ids, in stage order', () => {
    expect(AGENT_ROLES).to.have.length(55);
    expect(new Set(AGENT_ROLES.map((role) => role.id)).size).to.equal(55);
    expect(new Set(AGENT_ROLES.map((role) => role.name)).size).to.equal(55);
    for (const role of AGENT_ROLES) expect(role.id).to.match(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    const stages = AGENT_ROLES.map((role) => role.stage);
    expect(stages).to.deep.equal([...stages].sort((a, b) => a - b));
  });

  it('names each stage’s roles exactly as the architecture does', () => {
    for (const stage of STAGES) {
      expect(rolesOfStage(stage.number).map((role) => role.name), stage.name).to.deep.equal(EXPECTED[stage.number]?.[2]);
    }
  });

  it('gives every role a real prompt, globs, declared artifacts it may write, and a token bound', () => {
    for (const role of AGENT_ROLES) {
      const sentences = role.systemPrompt.split(/(?<=[.!?])\s+(?=[A-Z])/).length;
      expect(sentences, `${role.id} prompt sentences`).to.be.within(2, 4);
      expect(role.writes.length, role.id).to.be.greaterThan(0);
      expect(role.produces.length, role.id).to.be.greaterThan(0);
      expect(role.maxOutputTokens, role.id).to.be.within(512, 16_384);
      for (const path of producedPaths(role, 'Sample Subject')) expect(matches(path, role.writes), `${role.id} produces ${path}`).to.equal(true);
      if (role.instances === 'single') expect(role.produces.join(), role.id).to.not.include('{subject}');
    }
  });

  it('marks a few roles of most stages critical', () => {
    const critical = AGENT_ROLES.filter((role) => role.critical).map((role) => role.id);
    expect(critical).to.include.members(['requirements-parser', 'system-architect', 'schema-designer', 'route-creator', 'page-creator', 'unit-test-creator', 'readme-creator', 'dockerfile-creator', 'final-validation-agent']);
    for (const stage of STAGES) expect(rolesOfStage(stage.number).filter((role) => role.critical).length, stage.name).to.be.at.most(2);
  });

  it('lets the editors of the shared shells write and read them', () => {
    for (const id of ['middleware-developer', 'validation-creator', 'error-handler', 'authentication-manager', 'authorization-manager']) {
      expect(matches('src/server/app.ts', getRole(id).writes), id).to.equal(true);
      expect(matches('src/server/app.ts', getRole(id).reads), id).to.equal(true);
    }
    for (const id of ['routing-manager', 'state-manager', 'api-integration-specialist', 'ui-ux-designer']) {
      expect(matches('web/src/App.tsx', getRole(id).writes), id).to.equal(true);
      expect(matches('web/src/App.tsx', getRole(id).reads), id).to.equal(true);
    }
  });

  it('fills `{subject}` with the kebab-case subject, `general` without one', () => {
    expect(producedPaths(getRole('page-creator'), 'TaskDetail')).to.deep.equal(['web/src/pages/task-detail.tsx']);
    expect(producedPaths(getRole('unit-test-creator'))).to.deep.equal(['tests/unit/general.test.ts']);
    expect(() => getRole('no-such-role')).to.throw(NotFoundError);
  });
});
