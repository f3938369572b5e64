// SPDX-License-Identifier: MIT
#include "input/reader.hpp"

#include "facts/event_builder.hpp"
#include "input/decode.hpp"
#include "input/log_prefix.hpp"
#include "trailwatch/diag.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <optional>
#include <simdjson.h>
#include <vector>

namespace trailwatch {

namespace od = simdjson::ondemand;

void ReaderCounters::add(const ReaderCounters& o) {
  documents += o.documents;
  records += o.records;
  examined += o.examined;
  skipped_digest += o.skipped_digest;
  skipped_insight += o.skipped_insight;
  skipped_other += o.skipped_other;
  errors += o.errors;
}

namespace {

// Past this many errors in one source, further ones are counted but not printed.
constexpr std::uint64_t k_max_messages_per_source = 10;
// Nesting of containers we follow (envelope → array → lookup Event → inner record).
constexpr int k_max_container_depth = 4;
// Nesting of wrapped records we follow (EventBridge `detail`, lookup `CloudTrailEvent` strings,
// in any combination). Real shapes need at most 4; the input controls this depth, so deeper
// wrapping is an error for that record rather than an unbounded recursion.
constexpr int k_max_record_depth = 8;

// What an object turned out to be.
enum class Kind { container, record, insight, digest, lake, other };

std::size_t skip_space(const char* data, std::size_t size, std::size_t pos) {
  while (pos < size) {
    const char c = data[pos];
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      ++pos;
    } else if (pos + 3 <= size && static_cast<unsigned char>(c) == 0xEF &&
               static_cast<unsigned char>(data[pos + 1]) == 0xBB &&
               static_cast<unsigned char>(data[pos + 2]) == 0xBF) {
      pos += 3; // UTF-8 byte order mark
    } else {
      break;
    }
  }
  return pos;
}

// Repairs a document cut off at the end of the input: keeps everything up to the last record
// that closed inside the outermost array (the record container) and closes the brackets still
// open there. Returns nothing when no record was complete. This scan runs only on the tail of
// a damaged input, never on the normal path.
std::optional<std::string> close_after_last_record(std::string_view text) {
  std::vector<char> stack;
  std::size_t container_depth = 0;
  std::size_t last_good = 0;
  std::vector<char> good_stack;
  bool in_string = false;
  bool escaped = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
    case '"':
      in_string = true;
      break;
    case '{':
    case '[':
      stack.push_back(c);
      if (c == '[' && container_depth == 0 && stack.size() <= 2) {
        container_depth = stack.size();
      }
      break;
    case '}':
    case ']':
      if (stack.empty() || stack.back() != (c == '}' ? '{' : '[')) {
        return std::nullopt; // not a cut document but a broken one: nothing to repair
      }
      stack.pop_back();
      if (c == '}' && container_depth != 0 && stack.size() == container_depth) {
        last_good = i + 1;
        good_stack = stack;
      }
      break;
    default:
      break;
    }
  }
  if (last_good == 0) {
    return std::nullopt;
  }
  std::string repaired(text.substr(0, last_good));
  for (auto it = good_stack.rbegin(); it != good_stack.rend(); ++it) {
    repaired += (*it == '[') ? ']' : '}';
  }
  return repaired;
}

} // namespace

struct RecordReader::Impl {
  WantFn want;
  EventFn on_event;
  std::string source;
  std::uint64_t record_index = 0;
  std::uint64_t document_index = 0;
  std::uint64_t messages = 0;
  bool warned_not_cloudtrail = false;
  ReaderCounters counters;
  od::parser parser;
  // One parser and buffer per level of CloudTrailEvent strings nested in CloudTrailEvent
  // strings: an inner document must never be re-parsed while an outer one is still open.
  struct InnerLevel {
    od::parser parser;
    std::string buffer;
  };
  std::vector<std::unique_ptr<InnerLevel>> inner_levels;
  std::size_t inner_depth = 0;
  // True while reading a repaired cut document: a repair is never repaired again (a document
  // whose repair is still incomplete is reported, not retried forever).
  bool repairing = false;

  // While `hold` is set, messages are kept in `held` and records in `held_events` instead of
  // being printed and delivered: the first document of a batch is read speculatively (see
  // parse_documents) and may be read again line by line.
  bool hold = false;
  std::vector<std::string> held;
  std::vector<Event> held_events;
  bool reread_failed = false; // a record On-Demand walked could not be re-read whole

  void report(std::string_view what, std::string_view reason) {
    ++counters.errors;
    std::string message;
    if (++messages <= k_max_messages_per_source) {
      message = fmt::format("{}: {}: {}", source, what, reason);
    } else if (messages == k_max_messages_per_source + 1) {
      message = fmt::format("{}: more errors in this input; not shown", source);
    } else {
      return;
    }
    if (hold) {
      held.push_back(std::move(message));
    } else {
      diag::error_text(message);
    }
  }

  // True when the text up to the first newline of `data` is one complete JSON document (the
  // input is line-delimited there). Checked only after a first document broke.
  bool first_line_is_a_document(const char* data, std::size_t size) {
    const void* nl = std::memchr(data, '\n', size);
    const std::size_t length = nl ? static_cast<const char*>(nl) - data : size;
    line_check.assign(data, length);
    ensure_padding(line_check);
    simdjson::dom::element element;
    return !line_parser.parse(line_check.data(), line_check.size(), false).get(element);
  }
  simdjson::dom::parser line_parser;
  std::string line_check;

  void release_held() {
    hold = false;
    for (auto& event : held_events) {
      on_event(std::move(event));
    }
    held_events.clear();
    for (const auto& message : held) {
      diag::error_text(message);
    }
    held.clear();
  }

  void record_error(std::string_view reason) {
    report(fmt::format("record {}", record_index), reason);
  }

  // The JSON of the current document is broken: report once, and stop reading the document.
  bool broken = false;
  void mark_broken(simdjson::error_code error) {
    if (!broken) {
      broken = true;
      record_error(simdjson::error_message(error));
    }
  }

  // `tail` is the cut document's text; `offset` its position in the whole input (messages).
  void parse_final_tail(std::string_view tail, std::size_t offset);
  std::size_t parse_documents(const char* data, std::size_t size, bool final,
                              std::size_t base_offset, bool line_mode = false);
  std::size_t parse_lines(const char* data, std::size_t size, bool final, std::size_t base_offset);
  void handle_document(od::document_reference doc, std::size_t offset, bool& failed);
  Kind handle_value(od::value value, int depth);
  Kind handle_object(od::object object, int depth);
  void handle_array(od::array array, int depth);
  void handle_log_events(od::array array, int depth, bool control);
  Kind handle_lookup_string(std::string_view json, int depth);
  void copy_out(od::object& object);
};

RecordReader::RecordReader(WantFn want, EventFn on_event) : m_impl(std::make_unique<Impl>()) {
  m_impl->want = std::move(want);
  m_impl->on_event = std::move(on_event);
}

RecordReader::~RecordReader() = default;

void RecordReader::begin_source(std::string name) {
  m_impl->source = std::move(name);
  m_impl->record_index = 0;
  m_impl->document_index = 0;
  m_impl->messages = 0;
  m_impl->warned_not_cloudtrail = false;
}

const ReaderCounters& RecordReader::counters() const {
  return m_impl->counters;
}

std::size_t RecordReader::parse(const char* data, std::size_t size, bool final) {
  if (!final) {
    // More data will come. A raw newline cannot occur inside a JSON string, so cutting after
    // the last newline never splits a string (which would be a stage-1 error, not an
    // incomplete document); the rest waits for the next call.
    const void* nl = memrchr(data, '\n', size);
    if (nl != nullptr) {
      return m_impl->parse_documents(data, static_cast<const char*>(nl) - data + 1, false, 0);
    }
  }
  return m_impl->parse_documents(data, size, final, 0);
}

// Splits data into documents and reads each. Returns bytes consumed.
std::size_t RecordReader::Impl::parse_documents(const char* data, std::size_t size, bool final,
                                                std::size_t base_offset, bool line_mode) {
  std::size_t pos = skip_space(data, size, 0);
  while (pos < size) {
    const std::size_t remaining = size - pos;
    if (!line_mode && data[pos] != '{' && data[pos] != '[') {
      // Not JSON here: `aws logs tail` lines ("<time> <stream> {record}") are read line by line.
      const void* nl = std::memchr(data + pos, '\n', remaining);
      const std::size_t line = nl ? static_cast<const char*>(nl) - (data + pos) : remaining;
      if (log_prefix_length(std::string_view(data + pos, line)) != std::string_view::npos) {
        return pos + parse_lines(data + pos, remaining, final, base_offset + pos);
      }
    }
    const std::size_t batch = std::max<std::size_t>(remaining, 1 << 20);
    od::document_stream stream;
    if (auto error = parser.iterate_many(data + pos, remaining, batch).get(stream)) {
      report(fmt::format("byte {}", base_offset + pos), simdjson::error_message(error));
      return size;
    }
    bool failed = false;
    std::size_t failed_at = 0;
    bool first = true;
    for (auto it = stream.begin(); it != stream.end(); ++it, first = false) {
      const std::size_t offset = pos + it.current_index();
      auto doc = *it;
      if (doc.error()) {
        // Stage-1 errors (invalid UTF-8, an unclosed string) fail the whole batch at its first
        // document, whichever line is bad: read the batch line by line instead, so one bad
        // line costs only itself.
        if (first && !line_mode && std::memchr(data + pos, '\n', remaining) != nullptr) {
          return pos + parse_lines(data + pos, remaining, final, base_offset + pos);
        }
        if (first && !final) {
          return pos; // one long line cut in the middle: wait for the rest of it
        }
        report(fmt::format("document {} (byte {})", document_index, base_offset + offset),
               simdjson::error_message(doc.error()));
        ++document_index;
        ++record_index;
        failed = true;
        failed_at = offset;
        break;
      }
      // A document that breaks can make simdjson misjudge where the documents of its batch
      // begin and end (unbalanced brackets on a later line spoil the first one). So the first
      // document of a multi-line batch is read speculatively, its messages and records held
      // back: if it breaks and its first line is a whole document by itself (line-delimited
      // input), its effects are undone and the batch is read line by line instead. Whether a
      // record was wanted never enters this decision, so the fast path and a full parse read
      // (and number) the same records.
      const bool speculative =
          first && !line_mode && std::memchr(data + pos, '\n', remaining) != nullptr;
      const ReaderCounters saved_counters = counters;
      const std::uint64_t saved_record = record_index;
      const std::uint64_t saved_document = document_index;
      const std::uint64_t saved_messages = messages;
      hold = speculative;
      reread_failed = false;
      handle_document(doc.value_unsafe(), base_offset + offset, failed);
      if ((failed || reread_failed) && speculative &&
          first_line_is_a_document(data + pos, remaining)) {
        held.clear();
        held_events.clear();
        hold = false;
        counters = saved_counters;
        record_index = saved_record;
        document_index = saved_document;
        messages = saved_messages;
        return pos + parse_lines(data + pos, remaining, final, base_offset + pos);
      }
      release_held();
      if (failed) {
        failed_at = offset;
        break;
      }
    }
    if (failed) {
      // Resume at the next line; NDJSON keeps its other records, a broken multi-line document
      // is dropped with the error already reported.
      const void* nl = std::memchr(data + failed_at, '\n', size - failed_at);
      if (nl == nullptr) {
        return size;
      }
      pos = skip_space(data, size, static_cast<const char*>(nl) - data + 1);
      continue;
    }
    const std::size_t truncated = stream.truncated_bytes();
    if (truncated == 0) {
      return size;
    }
    const std::size_t tail = size - truncated;
    if (!final) {
      return tail;
    }
    if (repairing) {
      report(fmt::format("document {} (byte {})", document_index, base_offset + tail),
             "input ends inside this document (truncated) and cannot be repaired");
      return size;
    }
    parse_final_tail(std::string_view(data + tail, size - tail), base_offset + tail);
    return size;
  }
  return size;
}

// Reads `data` one line at a time: the fallback after a stage-1 error, and `aws logs tail`
// output, whose text prefix before the record ("<time> <stream> ") is dropped on each line
// that has one (a feed may mix both). Without `final`, a last line with no newline yet is left
// for the next call. Returns bytes consumed.
std::size_t RecordReader::Impl::parse_lines(const char* data, std::size_t size, bool final,
                                            std::size_t base_offset) {
  std::size_t pos = 0;
  while (pos < size) {
    const void* nl = std::memchr(data + pos, '\n', size - pos);
    if (nl == nullptr && !final) {
      return pos;
    }
    const std::size_t end = nl ? static_cast<const char*>(nl) - data : size;
    const std::size_t prefix = log_prefix_length(std::string_view(data + pos, end - pos));
    const std::size_t start = prefix == std::string_view::npos ? pos : pos + prefix;
    if (skip_space(data, end, start) < end) {
      parse_documents(data + start, end - start, true, base_offset + start, true);
    }
    pos = nl ? end + 1 : size;
  }
  return size;
}

// The input ended inside a document: read the records that are complete, report the rest.
void RecordReader::Impl::parse_final_tail(std::string_view tail, std::size_t offset) {
  auto repaired = close_after_last_record(tail);
  report(fmt::format("document {} (byte {})", document_index, offset),
         repaired ? "input ends inside this document; reading the complete records before the cut"
                  : "input ends inside this document (truncated); no complete record in it");
  if (!repaired) {
    return;
  }
  ensure_padding(*repaired);
  const std::uint64_t saved_messages = messages;
  repairing = true;
  parse_documents(repaired->data(), repaired->size(), true, offset);
  repairing = false;
  messages = saved_messages;
}

void RecordReader::Impl::handle_document(od::document_reference doc, std::size_t offset,
                                         bool& failed) {
  ++counters.documents;
  broken = false;
  od::json_type type;
  if (auto error = doc.type().get(type)) {
    report(fmt::format("document {} (byte {})", document_index, offset),
           simdjson::error_message(error));
    failed = true;
    ++document_index;
    return;
  }
  if (type == od::json_type::array) {
    od::array array;
    if (auto error = doc.get_array().get(array)) {
      report(fmt::format("document {} (byte {})", document_index, offset),
             simdjson::error_message(error));
      failed = true;
    } else {
      handle_array(array, 1);
    }
  } else if (type == od::json_type::object) {
    od::object object;
    if (auto error = doc.get_object().get(object)) {
      report(fmt::format("document {} (byte {})", document_index, offset),
             simdjson::error_message(error));
      failed = true;
    } else {
      const Kind kind = handle_object(object, 1);
      if (kind != Kind::container) {
        ++record_index;
      }
      if (kind == Kind::other && !broken && !warned_not_cloudtrail) {
        warned_not_cloudtrail = true;
        diag::warning("{}: document {} is not CloudTrail JSON (no Records, eventName or Events); "
                      "skipped",
                      source, document_index);
      }
    }
  } else {
    ++counters.skipped_other;
    report(fmt::format("document {} (byte {})", document_index, offset),
           "not a JSON object or array");
    ++record_index;
  }
  if (broken) {
    failed = true; // abandon this document; parsing resumes at the next line
  }
  ++document_index;
}

void RecordReader::Impl::handle_array(od::array array, int depth) {
  for (auto element : array) {
    od::value value;
    if (auto error = element.get(value)) {
      mark_broken(error); // the array itself is broken; the rest of it cannot be read
      return;
    }
    const Kind kind = handle_value(value, depth + 1);
    if (broken) {
      return;
    }
    if (kind != Kind::container) {
      ++record_index;
    }
  }
}

Kind RecordReader::Impl::handle_value(od::value value, int depth) {
  od::json_type type;
  if (auto error = value.type().get(type)) {
    mark_broken(error);
    return Kind::other;
  }
  if (type == od::json_type::object) {
    od::object object;
    if (auto error = value.get_object().get(object)) {
      mark_broken(error);
      return Kind::other;
    }
    return handle_object(object, depth);
  }
  if (type == od::json_type::array && depth < k_max_container_depth) {
    od::array array;
    if (auto error = value.get_array().get(array)) {
      mark_broken(error);
      return Kind::other;
    }
    handle_array(array, depth);
    return Kind::container;
  }
  ++counters.skipped_other;
  record_error("not a JSON object");
  return Kind::other;
}

namespace {

// Reads a string field (null reads as empty). Returns the simdjson error, if any.
simdjson::error_code read_string(od::value& value, std::string_view& out) {
  // Error codes only: the bool conversion of is_null() throws on a bad atom such as `n`.
  bool null = false;
  if (auto error = value.is_null().get(null)) {
    return error;
  }
  if (null) {
    out = {};
    return simdjson::SUCCESS;
  }
  return value.get_string().get(out);
}

// A wrong type leaves the document readable; anything else means the JSON itself is broken
// and the document must be abandoned.
bool is_type_error(simdjson::error_code error) {
  return error == simdjson::INCORRECT_TYPE || error == simdjson::NUMBER_ERROR;
}

} // namespace

Kind RecordReader::Impl::handle_object(od::object object, int depth) {
  if (depth > k_max_record_depth) {
    // Left unread: the caller's iteration skips it without recursion.
    record_error(
        fmt::format("records wrapped more than {} levels deep; skipped", k_max_record_depth));
    return Kind::record;
  }
  // The fast path: one pass over the keys, reading only eventName and skipping every other
  // value in place. A record someone wants is read again, whole, in copy_out().
  std::string_view event_name;
  bool wanted_name = false;
  bool is_record = false;
  bool insight = false;
  bool digest = false;
  bool lake = false;
  bool container = false;
  bool control = false; // a CloudWatch Logs CONTROL_MESSAGE (when messageType comes first)
  bool bad_name = false;
  std::optional<Kind> nested; // an EventBridge detail or lookup CloudTrailEvent

  for (auto field : object) {
    od::raw_json_string key;
    if (auto key_error = field.key().get(key)) {
      mark_broken(key_error);
      return Kind::other;
    }
    od::value value = field.value();
    simdjson::error_code error = simdjson::SUCCESS;
    // Keys compared without unescaping (CloudTrail keys have no escapes).
    if (key == "eventName") {
      error = read_string(value, event_name);
      bad_name = bad_name || is_type_error(error);
      is_record = true;
      // A key given twice: the record is wanted when any of its spellings is (the event is
      // built from the DOM, which reads the first; the fast path must not decide on the last).
      if (!error) {
        const std::string_view name = util::trim(event_name);
        wanted_name = wanted_name || (!name.empty() && want(name));
      }
    } else if (key == "eventSource" || key == "eventVersion") {
      is_record = true;
    } else if (key == "eventType" || key == "eventCategory") {
      const std::string_view token = value.raw_json_token();
      if ((token.starts_with("\"AwsCloudTrailInsight\"") || token.starts_with("\"Insight\""))) {
        insight = true;
      }
    } else if (key == "insightDetails") {
      insight = true;
    } else if (key == "Records" || key == "Events") {
      od::array array;
      error = depth < k_max_container_depth ? value.get_array().get(array) : simdjson::DEPTH_ERROR;
      if (!error) {
        handle_array(array, depth);
        container = true;
      }
    } else if (key == "detail") {
      // EventBridge: the record is the `detail` object (detail-type text varies; not checked).
      od::json_type type;
      if (!value.type().get(type) && type == od::json_type::object) {
        nested = handle_value(value, depth + 1);
      }
    } else if (key == "CloudTrailEvent") {
      // lookup-events: the record is a JSON string inside the Event.
      std::string_view json;
      error = value.get_string().get(json);
      if (!error) {
        nested = handle_lookup_string(json, depth + 1);
      }
    } else if (key == "messageType") {
      // CloudWatch Logs subscription: CONTROL_MESSAGEs are health checks, not log events.
      control = value.raw_json_token().starts_with("\"CONTROL_MESSAGE\"");
    } else if (key == "logEvents") {
      od::array array;
      error = depth < k_max_container_depth ? value.get_array().get(array) : simdjson::DEPTH_ERROR;
      if (!error) {
        handle_log_events(array, depth, control);
        container = true;
      }
    } else if (key == "digestStartTime" || key == "logFiles" || key == "digestEndTime") {
      digest = true;
    } else if (key == "QueryResultRows") {
      lake = true;
    }
    if (broken) {
      return Kind::other; // a nested container broke the document
    }
    if (error && !is_type_error(error)) {
      mark_broken(error);
      return Kind::other;
    }
  }

  if (nested) {
    return *nested;
  }
  if (container) {
    return Kind::container;
  }
  if (digest) {
    ++counters.skipped_digest;
    diag::debug(1, "{}: digest file skipped", source);
    return Kind::digest;
  }
  if (insight) {
    ++counters.skipped_insight;
    return Kind::insight;
  }
  if (lake) {
    ++counters.skipped_other;
    diag::warning("{}: CloudTrail Lake query results are not supported; skipped", source);
    return Kind::lake;
  }
  if (!is_record) {
    ++counters.skipped_other;
    return Kind::other;
  }
  ++counters.records;
  if (bad_name) {
    record_error("field eventName has an unexpected type; record skipped");
    return Kind::record;
  }
  if (wanted_name) {
    copy_out(object);
  }
  return Kind::record;
}

// The logEvents of a CloudWatch Logs subscription message: each event's `message` is a record
// as a JSON string (the same as a lookup-events CloudTrailEvent). A message that is not a JSON
// object (another log group's text, a control message's health check) is counted and skipped.
void RecordReader::Impl::handle_log_events(od::array array, int depth, bool control) {
  for (auto element : array) {
    od::object event;
    if (auto error = element.get_object().get(event)) {
      if (!is_type_error(error)) {
        mark_broken(error);
        return;
      }
      ++counters.skipped_other;
      record_error("a logEvents item is not a JSON object");
      ++record_index;
      continue;
    }
    Kind kind = Kind::other;
    for (auto field : event) {
      od::raw_json_string key;
      if (auto key_error = field.key().get(key)) {
        mark_broken(key_error);
        return;
      }
      if (!(key == "message")) {
        continue;
      }
      std::string_view message;
      if (auto error = field.value().get_string().get(message)) {
        if (!is_type_error(error)) {
          mark_broken(error);
          return;
        }
        continue;
      }
      const std::string_view text = util::trim(message);
      if (!control && text.starts_with('{')) {
        kind = handle_lookup_string(text, depth + 1);
      }
    }
    if (broken) {
      return;
    }
    if (kind == Kind::other) {
      ++counters.skipped_other;
    }
    if (kind != Kind::container) {
      ++record_index;
    }
  }
}

void RecordReader::Impl::copy_out(od::object& object) {
  // Rewind to the record's start and keep its text; the record parses its own copy, so the
  // On-Demand document stays untouched.
  std::string_view text;
  if (object.reset().error() || object.raw_json().get(text)) {
    reread_failed = true;
    record_error("record could not be re-read");
    return;
  }
  Record record(text);
  simdjson::dom::element root;
  if (!record.root(root)) {
    reread_failed = true;
    record_error("record could not be re-read as one JSON object");
    return;
  }
  std::string bad;
  Event event = build_event(std::move(record), Origin{source, record_index}, bad);
  if (bad == "eventName" || bad == "eventSource") {
    record_error(fmt::format("field {} has an unexpected type; record skipped", bad));
    return;
  }
  if (!bad.empty()) {
    // Other fields of the wrong type are read as absent; the record is still matched.
    diag::warning("{}: record {}: field {} has an unexpected type; treated as absent", source,
                  record_index, bad);
  }
  ++counters.examined;
  if (hold) {
    held_events.push_back(std::move(event));
  } else {
    on_event(std::move(event));
  }
}

Kind RecordReader::Impl::handle_lookup_string(std::string_view json, int depth) {
  if (depth > k_max_record_depth) {
    record_error(
        fmt::format("records wrapped more than {} levels deep; skipped", k_max_record_depth));
    return Kind::record;
  }
  // The string lives in the outer parser's buffer: copy it into padded storage and parse it
  // with a parser of its own level, never re-entering a parser whose document is still open.
  if (inner_levels.size() <= inner_depth) {
    inner_levels.push_back(std::make_unique<InnerLevel>());
  }
  InnerLevel& level = *inner_levels[inner_depth];
  level.buffer.assign(json);
  ensure_padding(level.buffer);
  od::document doc;
  if (auto error =
          level.parser.iterate(level.buffer.data(), level.buffer.size(), level.buffer.capacity())
              .get(doc)) {
    record_error(fmt::format("CloudTrailEvent: {}", simdjson::error_message(error)));
    return Kind::record;
  }
  od::object object;
  if (auto error = doc.get_object().get(object)) {
    record_error(fmt::format("CloudTrailEvent: {}", simdjson::error_message(error)));
    return Kind::record;
  }
  // A broken inner document spoils only itself, not the Events list around it.
  const bool outer_broken = broken;
  ++inner_depth;
  const Kind kind = handle_object(object, depth);
  --inner_depth;
  broken = outer_broken;
  return kind;
}

} // namespace trailwatch
