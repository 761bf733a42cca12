import { describe, expect, it } from 'vitest';
import { SiteSearch, type SearchablePage } from './search.ts';

const fees = { id: 'fees', title: 'Find out about fees', text: 'Each provider sets its own tuition fees.' };
const visa = { id: 'visa', title: 'Check your visa', text: 'You may need a visa for your placement school.' };
const guide: SearchablePage = {
  path: '/guide',
  title: 'Get iQTS',
  description: 'How to train for iQTS from abroad',
  keywords: ['international'],
  text: `Read this first. ${fees.title} ${fees.text} ${visa.title} ${visa.text}`,
  sections: [fees, visa],
  noindex: false,
};
const other: SearchablePage = {
  path: '/salaries',
  title: 'Salaries',
  description: 'What teachers earn',
  keywords: [],
  text: 'Teachers in England are paid on a scale.',
  sections: [],
  noindex: false,
};

describe('site search', () => {
  it('finds a section by its words, with the page it is part of after it', () => {
    const hits = new SiteSearch([guide, other]).search('tuition fees');
    expect(hits.map((h) => h.path)).toEqual(['/guide#fees', '/guide']);
    expect(hits[0]).toMatchObject({ title: 'Find out about fees', pageTitle: 'Get iQTS' });
    expect(hits[1]).toMatchObject({ title: 'Get iQTS', description: 'How to train for iQTS from abroad' });
  });

  it('finds a page whose words are in different sections, though no one section holds them all', () => {
    const hits = new SiteSearch([guide, other]).search('tuition visa');
    expect(hits.map((h) => h.path)).toEqual(['/guide']);
  });

  it('finds words outside any section, and ranks a page by its title', () => {
    const search = new SiteSearch([guide, other]);
    expect(search.search('read first').map((h) => h.path)).toEqual(['/guide']);
    expect(search.search('salaries')[0]!.path).toBe('/salaries');
  });

  it('leaves out words too common to search by: "the fees for a visa" is "fees visa"', () => {
    const search = new SiteSearch([guide, other]);
    expect(search.search('the fees for a visa')).toEqual(search.search('fees visa'));
    expect(search.search('the')).toEqual([]);
  });

  it('forgets what a page held when it is indexed again, and a page marked noindex', () => {
    const search = new SiteSearch([guide, other]);
    search.put({ ...guide, text: 'Read this first.', sections: [] });
    expect(search.search('tuition')).toEqual([]);
    search.put({ ...other, noindex: true });
    expect(search.search('salaries')).toEqual([]);
  });
});
