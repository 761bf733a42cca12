import { describe, expect, it } from 'vitest';
import { checkBulkCsv } from './bulk.ts';

describe('recommending many trainees from a CSV', () => {
  it('reads each row with its line number', () => {
    expect(checkBulkCsv('trainee_id,outcome_date\n12,2027-07-01\n\n13,2027-07-02\n')).toEqual({
      rows: [
        { line: 2, traineeId: 12, outcomeDate: '2027-07-01' },
        { line: 3, traineeId: 13, outcomeDate: '2027-07-02' },
      ],
      problems: [],
    });
  });

  it('reports every bad row by line', () => {
    const { problems } = checkBulkCsv(
      'trainee_id,outcome_date\n12,2027-07-01\nabc,2027-07-01\n14,2027-02-30\n12,2027-07-01\n15\n',
    );
    expect(problems).toEqual([
      { line: 3, message: 'The trainee ID must be a number, as shown on the trainee’s page' },
      { line: 4, message: 'The outcome date must be a real date, like 2027-07-01' },
      { line: 5, message: 'Trainee 12 is already on line 2' },
      { line: 6, message: 'Each line needs 2 values: the trainee ID and the outcome date' },
    ]);
  });

  it('needs the header and at least one row', () => {
    expect(checkBulkCsv('id,date\n1,2027-01-01').problems[0]!.message).toMatch(/first line must be/);
    expect(checkBulkCsv('trainee_id,outcome_date\n').problems[0]!.message).toBe('Add at least one trainee');
    expect(checkBulkCsv('"unclosed').problems[0]!.line).toBe(1);
  });
});
