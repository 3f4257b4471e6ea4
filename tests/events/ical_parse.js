// Reads an iCalendar file with ical.js (an independent client library, the one Mozilla
// Thunderbird uses) and prints JSON: {"calendar": {...}, "timezones": [...], "events": [...]}.
// Each event: uid, summary, description, location, url, sequence, status, categories, geo,
// and start/end as {value, tzid, isDate, unix} ("value": the wall-clock text as written,
// "unix": the instant in seconds, computed by ical.js from the VTIMEZONE of the file).
// Usage: node tests/events/ical_parse.js FILE.ics   (used by tests/events/test_ical.py)
"use strict";

const fs = require("fs");
const path = require("path");
// The project's own copy (package.json devDependency): /work/main/node_modules/ical.js.
const mod = require(path.join(__dirname, "..", "..", "node_modules", "ical.js"));
const ICAL = mod.default || mod;

const text = fs.readFileSync(process.argv[2], "utf8");
const calendar = new ICAL.Component(ICAL.parse(text));

// Time zones carried by the file itself (none are built into ical.js besides UTC).
const timezones = [];
for (const vtimezone of calendar.getAllSubcomponents("vtimezone")) {
  const zone = new ICAL.Timezone(vtimezone);
  ICAL.TimezoneService.register(zone);
  timezones.push(zone.tzid);
}

function time(value) {
  if (!value) {
    return null;
  }
  return {
    value: value.toString(),
    tzid: value.isDate ? null : value.zone ? value.zone.tzid : null,
    isDate: value.isDate,
    unix: value.isDate ? null : value.toUnixTime(),
  };
}

const events = calendar.getAllSubcomponents("vevent").map((vevent) => {
  const event = new ICAL.Event(vevent);
  const geo = vevent.getFirstPropertyValue("geo");
  return {
    uid: event.uid,
    summary: event.summary,
    description: event.description,
    location: event.location,
    url: vevent.getFirstPropertyValue("url"),
    sequence: event.sequence,
    status: vevent.getFirstPropertyValue("status"),
    categories: vevent.getAllProperties("categories").flatMap((p) => p.getValues()),
    geo: geo ? [geo[0], geo[1]] : null,
    start: time(event.startDate),
    end: time(vevent.hasProperty("dtend") ? event.endDate : null),
    startTzidParam: vevent.getFirstProperty("dtstart").getParameter("tzid") || null,
  };
});

process.stdout.write(JSON.stringify({
  calendar: {
    name: calendar.getFirstPropertyValue("x-wr-calname"),
    method: calendar.getFirstPropertyValue("method"),
    version: calendar.getFirstPropertyValue("version"),
  },
  timezones,
  events,
}));
