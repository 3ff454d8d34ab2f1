// A model on a working calendar against the same model in calendar time (issue #17: within 2x).
// Usage: npm run build && node bench/workcal.mjs [rounds=9] [items=30000]
//
// Two stations in tandem, 2 servers each, load 0.8, Poisson arrivals. The calendar model counts
// process times in working hours on a Monday-Friday 09:00-17:00 Berlin calendar (a weekly gate on
// the calendar at the end); the calendar-time model has the same loads with process times
// stretched by the calendar's working share (168 / 40) and a gate every 7 days. The calendar model
// runs the general loop (specialize.ts declines it); the plain one is timed on both loops.
// Each round runs every case once, in turn, in this process after a warm-up; medians of ns per
// event, and the ratio of the calendar model to each plain one.
import { compile, runReplication, validateModel } from '../dist/index.js';

const rounds = Number(process.argv[2] ?? 9);
const items = Number(process.argv[3] ?? 30_000);
const share = 40 / 168;
const rate = (0.8 * 2) / (1 / share); // per calendar hour: load 0.8 of 2 servers working 40 h a week
const horizon = Math.round(items / rate);

const calendarModel = {
  start: '2026-01-05T00:00:00',
  timeUnit: 'hour',
  horizon,
  calendar: { zone: 'Europe/Berlin', hours: '09:00-17:00' },
  stages: {
    build: { servers: 2, processTime: { dist: 'exponential', mean: '1wh' } },
    test: { servers: 2, processTime: { dist: 'exponential', mean: '1wh' } },
    release: { servers: 'unlimited', processTime: 0, batch: { on: 'tuesday 10:00' } },
  },
  streams: { work: { arrivals: { rate }, route: ['build', 'test', 'release'] } },
};
const plainModel = {
  timeUnit: 'hour',
  horizon,
  stages: {
    build: { servers: 2, processTime: { dist: 'exponential', mean: 1 / share } },
    test: { servers: 2, processTime: { dist: 'exponential', mean: 1 / share } },
    release: { servers: 'unlimited', processTime: 0, batch: { every: 168, offset: 34 } },
  },
  streams: { work: { arrivals: { rate }, route: ['build', 'test', 'release'] } },
};

const t0 = performance.now();
const cal = compile(validateModel(calendarModel, 'bench/workcal-calendar.yaml'));
const validateMs = performance.now() - t0;
const plain = compile(validateModel(plainModel, 'bench/workcal-plain.yaml'));

// Where the time goes: the same model with only the model's calendar (lead times in working
// days), and with only the stages' calendars (working-time process times).
const onlyLead = compile(validateModel({ ...plainModel, start: '2026-01-05T00:00:00', calendar: { zone: 'Europe/Berlin' } }, 'bench/workcal-lead.yaml'));
const berlin = { zone: 'Europe/Berlin', hours: '09:00-17:00' };
const onlyWork = compile(
  validateModel(
    {
      ...calendarModel,
      start: '2026-01-05T00:00:00+01:00',
      calendar: undefined,
      stages: { build: { ...calendarModel.stages.build, calendar: berlin }, test: { ...calendarModel.stages.test, calendar: berlin }, release: plainModel.stages.release },
    },
    'bench/workcal-work.yaml',
  ),
);

const cases = [
  ['calendar model (general loop)', cal, 'general'],
  ['  only lead times in working days', onlyLead, 'general'],
  ['  only working-time process times', onlyWork, 'general'],
  ['calendar-time model, general loop', plain, 'general'],
  ['calendar-time model, specialized loop', plain, 'specialized'],
];

function once(m, loop, replication) {
  const t = performance.now();
  const r = runReplication(m, 1, replication, { loop });
  return { ns: ((performance.now() - t) * 1e6) / r.events, events: r.events, lead: r.streams[4] };
}

for (const [, m, loop] of cases) once(m, loop, 99); // warm-up: V8 optimizes each loop
const ns = cases.map(() => []);
let info = [];
for (let r = 0; r < rounds; r++) {
  info = cases.map(([, m, loop], i) => {
    const x = once(m, loop, r);
    ns[i].push(x.ns);
    return x;
  });
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(`${items} items a replication (horizon ${horizon} h), ${rounds} rounds; validating the calendar model took ${validateMs.toFixed(0)} ms`);
for (let i = 0; i < cases.length; i++) {
  const ratio = median(ns[0]) / median(ns[i]);
  console.log(`${cases[i][0].padEnd(40)} ${median(ns[i]).toFixed(1).padStart(7)} ns/event  ${info[i].events} events  calendar model / this: ${ratio.toFixed(2)}x`);
}
