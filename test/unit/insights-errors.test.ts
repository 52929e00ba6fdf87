// Error grouping for the insights panel and the watch: the exception a stderr ends with, and
// the message with what varies between runs masked. Fixtures are tracebacks in the shapes the
// local server writes (test/server/generator.ts), written out here.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DID_NOT_FINISH, NO_EXCEPTION_TYPE, describeError, errorKey, normaliseMessage, parseFailure, parseStderr } from '../../src/insights/errorGroups';

const traceback = (...tail: string[]) =>
  ['Traceback (most recent call last):', '  File "/opt/fused/runtime/executor.py", line 214, in run_udf', '    result = udf_fn(**parameters)', '  File "/tmp/udf_3fa2.py", line 9, in udf', "    lat = row['lat']", ...tail].join('\n') + '\n';

describe('parseStderr', () => {
  it('reads the exception a traceback ends with', () => {
    assert.deepEqual(parseStderr(traceback("KeyError: 'lat'")), { type: 'KeyError', message: "'lat'" });
    assert.deepEqual(parseStderr(traceback('requests.exceptions.HTTPError: 503 Server Error: Service Unavailable for url: https://x.example/a?b=1')), {
      type: 'requests.exceptions.HTTPError',
      message: '503 Server Error: Service Unavailable for url: https://x.example/a?b=1',
    });
  });

  it('a bare exception name, a message of several lines, and chained exceptions (the last one counts)', () => {
    assert.deepEqual(parseStderr(traceback('StopIteration')), { type: 'StopIteration', message: '' });
    assert.deepEqual(parseStderr(traceback('ValueError: first line', 'second line of the message')), { type: 'ValueError', message: 'first line' });
    const chained = traceback('KeyError: 0') + '\nDuring handling of the above exception, another exception occurred:\n\n' + traceback('IndexError: list index out of range');
    assert.deepEqual(parseStderr(chained), { type: 'IndexError', message: 'list index out of range' });
  });

  it('warnings lines, progress bars with carriage returns, ANSI colours, and a 10 MB log read from its end', () => {
    assert.deepEqual(parseStderr("/usr/lib/python3.11/site-packages/geopandas/geoseries.py:751: UserWarning: Geometry is in a geographic CRS.\n  warnings.warn(\n"), {
      type: 'UserWarning',
      message: 'Geometry is in a geographic CRS.',
    });
    const bars = 'Predicting:   0%|          | 0/40 [00:00<00:00, 7.21it/s]\rPredicting: 100%|██████████| 40/40 [00:09<00:00, 7.21it/s]\n';
    const parsed = parseStderr(bars);
    assert.equal(parsed.type, NO_EXCEPTION_TYPE);
    assert.match(parsed.message, /^Predicting: 100%/);
    assert.deepEqual(parseStderr(traceback('\u001b[31mValueError: boom\u001b[0m')), { type: 'ValueError', message: 'boom' });
    const huge = 'x'.repeat(10 * 1024 * 1024) + '\n' + traceback('MemoryError');
    huge.charCodeAt(huge.length - 1); // a record's text arrives flat from JSON; flatten the concatenation first
    const started = performance.now();
    assert.deepEqual(parseStderr(huge), { type: 'MemoryError', message: '' });
    assert.ok(performance.now() - started < 50, 'only the tail is read');
  });

  it('hostile text stays in the message as text (the panel shows it with textContent)', () => {
    const hostile = 'ValueError: <script>alert("stderr")</script> [quit](command:workbench.action.quit)';
    assert.deepEqual(parseStderr(traceback(hostile)), { type: 'ValueError', message: '<script>alert("stderr")</script> [quit](command:workbench.action.quit)' });
  });
});

describe('parseFailure', () => {
  it('runs that did not fail have none; failures without stderr did not finish', () => {
    assert.equal(parseFailure({ stderr: '', execution_time: 1 }), undefined);
    assert.equal(parseFailure({ stderr: '   \n', execution_time: 1 }), undefined);
    assert.deepEqual(parseFailure({ stderr: null, execution_time: null }), DID_NOT_FINISH);
    assert.deepEqual(parseFailure({ stderr: '', execution_time: null }), DID_NOT_FINISH);
    assert.deepEqual(parseFailure({ stderr: traceback("KeyError: 'lat'"), execution_time: null }), { type: 'KeyError', message: "'lat'" });
  });
});

describe('normaliseMessage', () => {
  it('masks numbers, ids and paths, keeps quoted words and names with digits', () => {
    assert.equal(normaliseMessage("'lat'"), "'lat'");
    assert.equal(normaliseMessage('Unable to allocate 3.59 GiB for an array with shape (3, 14, 10980, 10980) and data type uint16'), 'Unable to allocate <n> GiB for an array with shape (<n>, <n>, <n>, <n>) and data type uint16');
    assert.equal(normaliseMessage("'/vsis3/fused-users/features/s2_indices.tif' not recognized"), "'<path>' not recognized");
    assert.equal(normaliseMessage('Access Denied: s3://fused-asset/dem/cop30.vrt (HTTP 403)'), 'Access Denied: <path> (HTTP <n>)');
    assert.equal(normaliseMessage('record 3f2b9c1e-8a4d-4e7f-9b1a-2c5d6e7f8a9b not found'), 'record <id> not found');
    assert.equal(normaliseMessage('cell 8b2a100d2cb6fff is empty'), 'cell <id> is empty');
    assert.equal(normaliseMessage('token fsh_4kT9pQ2mZx8vB3nL7wR1yC not valid'), 'token <id> not valid');
    assert.equal(normaliseMessage('C:\\Users\\ada\\data.csv missing'), '<path> missing');
    assert.equal(normaliseMessage('X has 9 features, but RandomForestClassifier is expecting 12 features as input.'), 'X has <n> features, but RandomForestClassifier is expecting <n> features as input.');
    assert.equal(normaliseMessage('Unable to parse string "-666666666.0 (suppressed)" at position 1207'), 'Unable to parse string "<n> (suppressed)" at position <n>');
    assert.equal(normaliseMessage('H3LatLngDomainError in s2_indices'), 'H3LatLngDomainError in s2_indices');
  });

  it('groups runs of one failure and keeps different failures apart', () => {
    const a = errorKey(parseStderr(traceback('requests.exceptions.HTTPError: 503 Server Error for url: https://api.census.gov/data/2022?for=tract%3A1')));
    const b = errorKey(parseStderr(traceback('requests.exceptions.HTTPError: 504 Server Error for url: https://api.census.gov/data/2021?for=tract%3A2')));
    assert.equal(a, b);
    assert.notEqual(errorKey(parseStderr(traceback("KeyError: 'lat'"))), errorKey(parseStderr(traceback("KeyError: 'lon'"))));
    assert.notEqual(errorKey({ type: 'ValueError', message: 'x' }), errorKey({ type: 'TypeError', message: 'x' }));
  });

  it('describeError reads as a notification line', () => {
    assert.equal(describeError({ type: 'KeyError', message: "'lat'" }), "KeyError: 'lat'");
    assert.equal(describeError({ type: 'MemoryError', message: '' }), 'MemoryError');
    assert.equal(describeError({ type: 'ValueError', message: 'x'.repeat(500) }, 20).length, 20);
  });
});
