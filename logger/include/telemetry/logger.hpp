#pragma once
// The one include for trainers: #include <telemetry/logger.hpp>.
//
//   telemetry::TelemetryLogger log("runs/exp1.jsonl");
//   log.on_epoch_begin(0, {{"lr", 1e-3}});
//   log.on_step_end(step, {{"loss", loss}, {"metrics", {{"acc", acc}}}});
//
// writes
// {"ts":1732800000.05,"tag":"step_end","step":7,"context":{"loss":0.42,"metrics":{"acc":0.9}}}
//
// The rules for awkward input (logger/README.md has the full list, docs/bad-inputs.md the cases):
//  - Field order is the seed's: ts, tag, then the payload; static fields (and seq) come last.
//    ts is UNIX seconds with microsecond precision (what time.time() carries).
//  - Numbers: integers exact (INT64_MIN, UINT64_MAX); doubles with the shortest digits that read
//    back bit-identical, always float-looking (1.0, -0.0, 1e+300); floats with float digits.
//  - NaN/Infinity/-Infinity: Python's bare tokens by default; NonFinite::strict writes the strings
//    "NaN", "Infinity", "-Infinity" so every line is strict JSON.
//  - Strings and keys: control characters, DEL, U+2028/U+2029, '"' and '\' escaped (a record is
//    always one line); invalid UTF-8 replaced by U+FFFD per maximal invalid subpart.
//  - Rejected, counted in stats().rejected and reported (never thrown): a custom record whose
//    payload uses ts, tag, seq, run, run_id or a static field name; nesting beyond max_depth
//    (64); a line longer than max_record_bytes (4 MiB); a JSON context that is not an object;
//    binary JSON values. The other records are unaffected.
//  - File errors never throw from a logging call: records stay buffered (up to max_buffer_bytes,
//    then dropped and counted) and are retried; see last_error(), stats() and error_handler.

#include <telemetry/callback.hpp>
#include <telemetry/callback_list.hpp>
#include <telemetry/clock.hpp>
#include <telemetry/context.hpp>
#include <telemetry/crash_handler.hpp>
#include <telemetry/logger_error.hpp>
#include <telemetry/logger_options.hpp>
#include <telemetry/logger_stats.hpp>
#include <telemetry/manual_clock.hpp>
#include <telemetry/memory_logger.hpp>
#include <telemetry/system_clock.hpp>
#include <telemetry/telemetry_logger.hpp>
#include <telemetry/value.hpp>
#include <telemetry/version.hpp>

#include <nlohmann/json.hpp>
