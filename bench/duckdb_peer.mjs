// SPDX-License-Identifier: MIT
// DuckDB as a side-by-side peer for bench/run.sh: the same question trailwatch's watched-launch
// rules answer, asked in SQL over the same .json.gz files.
//
// usage: node bench/duckdb_peer.mjs NPM_PREFIX CORPUS_DIR THREADS [OUT_FILE]
//   NPM_PREFIX  where `npm install --prefix` put @duckdb/node-api (the bench's cache)
//   CORPUS_DIR  the directory holding AWSLogs/ (every *.json.gz under it is read)
//   OUT_FILE    also write the count there
// Prints one line: the number of RunInstances records that name a watched instance type.
//
// Each file is one {"Records":[...]} document; Records is read as a list of JSON values (no
// schema inference over hundreds of event shapes), unnested into one row per record, and the
// filter is the one bench/run.sh gives jq: eventName RunInstances, instance types from the
// request and from every response item, tier A families at any size, tier B sizes (>= 24xlarge,
// metal, u-/u7i/x1/x8/hpc families).
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const [prefix, corpus, threads, outFile] = process.argv.slice(2);
if (!prefix || !corpus || !threads) {
  console.error("usage: node duckdb_peer.mjs NPM_PREFIX CORPUS_DIR THREADS");
  process.exit(2);
}
const require = createRequire(prefix.replace(/\/?$/, "/"));
const { DuckDBInstance } = await import(pathToFileURL(require.resolve("@duckdb/node-api")).href);

const tierA = ["p2", "p3", "p3dn", "p4d", "p4de", "p5", "p5e", "p5en", "p6-b200", "p6-b300", "p6e-gb200",
  "g2", "g3", "g3s", "g4dn", "g4ad", "g5", "g5g", "g6", "g6e", "g6f", "gr6", "gr6f", "g7e",
  "inf1", "inf2", "trn1", "trn1n", "trn2", "dl1", "dl2q", "f1", "f2", "vt1"];
const glob = corpus.replace(/'/g, "''") + "/AWSLogs/**/*.json.gz";
const sql = `
WITH records AS (
  SELECT unnest(Records) AS r
  FROM read_json('${glob}', columns = {Records: 'JSON[]'}, format = 'auto', compression = 'gzip',
                 maximum_object_size = 1073741824)
),
launches AS (
  SELECT r FROM records WHERE r->>'$.eventName' = 'RunInstances'
),
types AS (
  SELECT r->>'$.eventID' AS id, lower(t) AS t
  FROM launches,
       unnest(list_concat([r->>'$.requestParameters.instanceType'],
                          r->>'$.responseElements.instancesSet.items[*].instanceType')) AS u(t)
  WHERE t IS NOT NULL
)
SELECT count(DISTINCT id) AS watched
FROM types
WHERE split_part(t, '.', 1) IN (${tierA.map((f) => `'${f}'`).join(", ")})
   OR regexp_matches(split_part(t, '.', 1), '^(u-|u7i|x1|x8|hpc)')
   OR split_part(t, '.', 2) LIKE '%metal%'
   OR coalesce(TRY_CAST(regexp_extract(split_part(t, '.', 2), '^([0-9]+)xlarge$', 1) AS INTEGER), 0) >= 24
`;

const instance = await DuckDBInstance.create(":memory:", { threads: String(threads) });
const connection = await instance.connect();
const reader = await connection.runAndReadAll(sql);
const found = String(reader.getRows()[0][0]);
console.log(found);
if (outFile) {
  writeFileSync(outFile, found + "\n");
}
