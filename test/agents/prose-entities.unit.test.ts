// Entities of a request written as prose, found by compromise's tagger rather than headings.
import { expect } from 'chai';
import { analyzeRequest } from '../../src/agents/request-analysis.js';
import { proseEntities } from '../../src/agents/prose-entities.js';

describe('prose entities', () => {
  it('finds the domain nouns of a one-sentence request', () => {
    expect(proseEntities('A small app where teams track tasks and assign them to members')).to.have.members(['Task', 'Team', 'Member']);
  });

  it('singularises, and leaves out pronouns, acronyms and words about the software itself', () => {
    const found = proseEntities('People book rooms for meetings; admins approve the bookings in the app through a JSON API. Categories group rooms.');
    expect(found).to.include.members(['Room', 'Meeting', 'Admin', 'Booking', 'Category']);
    expect(found).to.not.include.members(['App', 'Api', 'Json', 'Them']);
  });

  it('ranks by frequency, then first mention, and ignores headings and code', () => {
    expect(proseEntities('# Widget Factory\n\nInvoices list orders. Orders have lines.\n\n```\nclass Banana: pass\n```\n')).to.deep.equal(['Order', 'Invoice']);
  });

  it('gives a prose-only request entities through the analyser', () => {
    const analysis = analyzeRequest('A small app where teams track tasks and assign them to members.');
    expect(analysis.entities).to.include.members(['Task', 'Team', 'Member']);
    expect(analysis.hasDatabase).to.equal(true);
  });

  it('keeps a `## Entities` list as the request wrote it', () => {
    expect(analyzeRequest('# Shop\n\nPeople buy things.\n\n## Entities\n- Product: name\n').entities).to.deep.equal(['Product']);
  });
});
