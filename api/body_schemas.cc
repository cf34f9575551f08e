#include "api/body_schemas.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>
#include <vector>

#include "api/openapi.h"
#include "common/client_text.h"
#include "common/error.h"

namespace automat::api {
namespace {

using nlohmann::json;

const std::map<std::string, Method>& methods_by_name() {
  static const std::map<std::string, Method> m = {{"get", Method::kGet},
                                                  {"post", Method::kPost},
                                                  {"put", Method::kPut},
                                                  {"patch", Method::kPatch},
                                                  {"delete", Method::kDelete}};
  return m;
}

// The schema at a JSON pointer "#/components/schemas/X" of `root`.
const json* resolve(const json& root, const json& node) {
  const json* cur = &node;
  for (int hops = 0; hops < 16 && cur->is_object() && cur->contains("$ref"); ++hops) {
    const std::string ref = (*cur)["$ref"].get<std::string>();
    if (ref.rfind("#/", 0) != 0) return nullptr;
    cur = &root.at(json::json_pointer(ref.substr(1)));
  }
  return cur;
}

// The subschema a valijson context step ("[instance]", "[0]") leads to.
const json* step_into(const json& root, const json* schema, const std::string& step) {
  schema = schema ? resolve(root, *schema) : nullptr;
  if (!schema || !schema->is_object() || step.size() < 2) return nullptr;
  const std::string key = step.substr(1, step.size() - 2);
  if (schema->contains("properties") && (*schema)["properties"].contains(key)) {
    return &(*schema)["properties"][key];
  }
  if (schema->contains("items") && !key.empty() &&
      key.find_first_not_of("0123456789") == std::string::npos) {
    return &(*schema)["items"];
  }
  for (const char* combinator : {"allOf", "anyOf", "oneOf"}) {
    if (!schema->contains(combinator)) continue;
    for (const json& sub : (*schema)[combinator]) {
      if (const json* found = step_into(root, &sub, step)) return found;
    }
  }
  return nullptr;
}

std::string field_name(const std::vector<std::string>& context) {
  std::string out;
  for (size_t i = 1; i < context.size(); ++i) {  // [0] is "<root>"
    const std::string& step = context[i];
    const std::string key = step.size() >= 2 ? step.substr(1, step.size() - 2) : step;
    const bool index = !key.empty() && key.find_first_not_of("0123456789") == std::string::npos;
    if (index) {
      out += "[" + key + "]";
    } else {
      out += (out.empty() ? "" : ".") + key;
    }
  }
  return out;
}

std::string article_type(const std::string& type) {
  if (type == "integer") return "an integer";
  if (type == "object") return "an object";
  if (type == "array") return "an array";
  if (type == "string") return "a string";
  if (type == "boolean") return "true or false";
  if (type == "number") return "a number";
  if (type == "null") return "null";
  return type;
}

// The types a schema admits, null left out, through oneOf/anyOf/allOf.
void collect_types(const json& root, const json* schema, std::vector<std::string>& names,
                   int depth = 0) {
  schema = schema ? resolve(root, *schema) : nullptr;
  if (!schema || !schema->is_object() || depth > 8) return;
  const auto add = [&](const json& t) {
    const std::string name = article_type(t.get<std::string>());
    if (name != "null" && std::find(names.begin(), names.end(), name) == names.end()) {
      names.push_back(name);
    }
  };
  if (schema->contains("type")) {
    const json& t = (*schema)["type"];
    if (t.is_string()) add(t);
    if (t.is_array()) {
      for (const json& each : t) add(each);
    }
  }
  for (const char* combinator : {"oneOf", "anyOf", "allOf"}) {
    if (!schema->contains(combinator)) continue;
    for (const json& sub : (*schema)[combinator]) collect_types(root, &sub, names, depth + 1);
  }
}

// "a string or an integer" for a schema's type / oneOf alternatives.
std::string expected_types(const json& root, const json* schema) {
  std::vector<std::string> names;
  collect_types(root, schema, names);
  if (names.empty()) return "of another type";
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out += i + 1 == names.size() ? " or " : ", ";
    out += names[i];
  }
  return out;
}

// The body's value at a valijson context; nullptr when it is not there.
const json* value_at(const json& body, const std::vector<std::string>& context) {
  const json* cur = &body;
  for (size_t i = 1; i < context.size() && cur; ++i) {
    const std::string& step = context[i];
    const std::string key = step.size() >= 2 ? step.substr(1, step.size() - 2) : step;
    if (cur->is_object()) {
      auto it = cur->find(key);
      cur = it == cur->end() ? nullptr : &*it;
    } else if (cur->is_array() && !key.empty() &&
               key.find_first_not_of("0123456789") == std::string::npos &&
               std::stoul(key) < cur->size()) {
      cur = &(*cur)[std::stoul(key)];
    } else {
      cur = nullptr;
    }
  }
  return cur;
}

std::string number_text(const json& v) {
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_number_unsigned()) return std::to_string(v.get<unsigned long long>());
  return v.dump();
}

// The value of `keyword` in `schema` or, for a schema of alternatives (a
// nullable wrapper, a oneOf of forms), in the first alternative that has it.
const json* find_keyword(const json& root, const json* schema, const char* keyword, int depth = 0) {
  schema = schema ? resolve(root, *schema) : nullptr;
  if (!schema || !schema->is_object() || depth > 8) return nullptr;
  if (schema->contains(keyword)) return &(*schema)[keyword];
  for (const char* combinator : {"allOf", "anyOf", "oneOf"}) {
    if (!schema->contains(combinator)) continue;
    for (const json& sub : (*schema)[combinator]) {
      if (const json* found = find_keyword(root, &sub, keyword, depth + 1)) return found;
    }
  }
  return nullptr;
}

std::string list_keys(const json* schema) {
  std::string out;
  if (!schema || !schema->contains("properties")) return out;
  for (auto it = (*schema)["properties"].begin(); it != (*schema)["properties"].end(); ++it) {
    out += (out.empty() ? "" : ", ") + it.key();
  }
  return out;
}

constexpr const char* kUnknownMember =
    "Object contains a property that could not be validated using 'properties' or "
    "'additionalProperties' constraints: '";

// The keyword of an object's whose failure valijson describes as
// `description`, for the schema's x-errors; "" for any other.
std::string object_keyword(const std::string& description) {
  if (description.rfind(kUnknownMember, 0) == 0) return "additionalProperties";
  if (description.rfind("Object should have no more than", 0) == 0) return "maxProperties";
  if (description.rfind("Object should have no fewer than", 0) == 0) return "minProperties";
  return "";
}

// "names 'x', which ...": the unknown member of a kUnknownMember description.
std::string unknown_member(const json* schema, const std::string& description) {
  const size_t from = std::string(kUnknownMember).size();
  const size_t to = description.rfind('\'');
  const std::string name =
      common::in_quotes(to > from ? description.substr(from, to - from) : std::string());
  std::string text = "names {member}, which is not one of: " + list_keys(schema);
  if (schema && schema->contains("x-errors") &&
      (*schema)["x-errors"].value("additionalProperties", json()).is_string()) {
    text = (*schema)["x-errors"]["additionalProperties"].get<std::string>();
  }
  const size_t at = text.find("{member}");
  if (at != std::string::npos) text.replace(at, std::string("{member}").size(), name);
  return text;
}

// What is wrong, as the end of "<field> ...": from valijson's description
// and the schema that was violated.
std::string problem(const json& root, const json* raw_schema, const std::string& description) {
  const json* schema = raw_schema ? resolve(root, *raw_schema) : nullptr;
  const std::string keyword = object_keyword(description);
  if (keyword == "additionalProperties") return " " + unknown_member(schema, description);
  if (!keyword.empty() && schema && schema->contains("x-errors") &&
      (*schema)["x-errors"].value(keyword, json()).is_string()) {
    return " " + (*schema)["x-errors"][keyword].get<std::string>();
  }
  const auto keyword_number = [&](const json*, const char* keyword) -> std::string {
    const json* value = find_keyword(root, schema, keyword);
    return value ? number_text(*value) : "the limit";
  };
  const auto has_text = [&](const char* key) {
    return schema && schema->contains(key) && (*schema)[key].is_string();
  };
  const auto starts = [&](const char* prefix) { return description.rfind(prefix, 0) == 0; };
  if (starts("Missing required property '")) {
    const size_t from = std::string("Missing required property '").size();
    return "." + description.substr(from, description.rfind('\'') - from) + " is required";
  }
  // A schema of alternatives (oneOf, or nullable's anyOf) with its own
  // sentence: that sentence, whichever alternative failed and how.
  const bool alternatives = schema && (schema->contains("oneOf") || schema->contains("anyOf"));
  if (alternatives && has_text("x-error")) return " " + (*schema)["x-error"].get<std::string>();
  if (starts("Value type not permitted")) return " must be " + expected_types(root, raw_schema);
  if (starts("Failed to validate against exactly one") ||
      starts("Failed to validate against any")) {
    return " must be " + expected_types(root, raw_schema);
  }
  if (has_text("x-error")) return " " + (*schema)["x-error"].get<std::string>();
  if (starts("String should be no more than")) {
    return " must be at most " + keyword_number(schema, "maxLength") + " characters";
  }
  if (starts("String should be no fewer than")) {
    const std::string n = keyword_number(schema, "minLength");
    return n == "1" ? " must not be empty" : " must be at least " + n + " characters";
  }
  if (starts("Expected number greater than")) {
    return " must be at least " + keyword_number(schema, "minimum");
  }
  if (starts("Expected number less than")) {
    return " must be at most " + keyword_number(schema, "maximum");
  }
  if (starts("Array should contain no fewer than")) {
    return " must list at least " + keyword_number(schema, "minItems") + " item(s)";
  }
  if (starts("Array should contain no more than")) {
    return " must list at most " + keyword_number(schema, "maxItems") + " items";
  }
  if (starts("Object should have no") && schema && schema->contains("maxProperties") &&
      (*schema)["maxProperties"] == 1) {
    return " must hold exactly one of: " + list_keys(schema);
  }
  if (starts("Failed to match against any enum values") && schema && schema->contains("enum")) {
    std::string values;
    for (const json& v : (*schema)["enum"]) values += (values.empty() ? "" : ", ") + v.dump();
    return " must be one of: " + values;
  }
  if (starts("Failed to match regex")) return " has characters or a length that are not allowed";
  return " is not valid: " + common::excerpt(description, 128);
}

using ValidationError = valijson::ValidationResults::Error;

// The errors at the deepest place any error is, in valijson's order.
std::vector<const ValidationError*> deepest(const valijson::ValidationResults& results) {
  std::vector<const ValidationError*> out;
  for (const auto& e : results) {
    if (!out.empty() && e.context.size() < out.front()->context.size()) continue;
    if (!out.empty() && e.context.size() > out.front()->context.size()) out.clear();
    out.push_back(&e);
  }
  return out;
}

// Whether `error`, at the place of `schema`, breaks that schema's own type
// or one of its own required members (not what one of its alternatives or
// rules asks).
bool own_type_or_required(const json& root, const json* schema, const ValidationError& error) {
  schema = schema ? resolve(root, *schema) : nullptr;
  if (!schema || !schema->is_object()) return false;
  const std::string& d = error.description;
  if (d.rfind("Value type not permitted", 0) == 0) return schema->contains("type");
  const std::string missing = "Missing required property '";
  if (d.rfind(missing, 0) != 0 || !schema->contains("required")) return false;
  const std::string name = d.substr(missing.size(), d.rfind('\'') - missing.size());
  const json& required = (*schema)["required"];
  return std::find(required.begin(), required.end(), json(name)) != required.end();
}

// Which of `errors` (all at one place, that of `schema`) to explain: its
// own type or required members first, then an unknown member, else the
// first; nullptr when a rule should be looked for first.
const ValidationError* chosen(const json& root, const json* schema,
                              const std::vector<const ValidationError*>& errors) {
  for (const auto* e : errors) {
    if (own_type_or_required(root, schema, *e)) return e;
  }
  for (const auto* e : errors) {
    if (object_keyword(e->description) == "additionalProperties") return e;
  }
  return nullptr;
}

// Whether `node` (a rule) reports every failure at its own place: only
// required, not (which reports none of its inside) and combinators of those.
bool reports_only_at_its_place(const json& node) {
  if (!node.is_object()) return false;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string& k = it.key();
    if (k == "not" || k == "required" || k == "description" || k.rfind("x-", 0) == 0) continue;
    if (k != "allOf" && k != "anyOf" && k != "oneOf") return false;
    for (const json& each : it.value()) {
      if (!reports_only_at_its_place(each)) return false;
    }
  }
  return true;
}

// Compiles every rule (an allOf member with an x-error) under `node`.
void compile_rules(const json& node,
                   std::map<const json*, std::unique_ptr<valijson::Schema>>& out) {
  if (node.is_array()) {
    for (const json& each : node) compile_rules(each, out);
    return;
  }
  if (!node.is_object()) return;
  if (node.contains("allOf") && node["allOf"].is_array()) {
    for (const json& rule : node["allOf"]) {
      if (!rule.is_object() || !rule.contains("x-error")) continue;
      if (!reports_only_at_its_place(rule)) {
        throw std::runtime_error("the rule \"" + rule["x-error"].get<std::string>() +
                                 "\" may only use required, not, allOf, anyOf and oneOf");
      }
      auto schema = std::make_unique<valijson::Schema>();
      valijson::SchemaParser parser(valijson::SchemaParser::kDraft4);
      valijson::adapters::NlohmannJsonAdapter adapter(rule);
      parser.populateSchema(adapter, *schema);
      out.emplace(&rule, std::move(schema));
    }
  }
  for (auto it = node.begin(); it != node.end(); ++it) compile_rules(it.value(), out);
}

// Throws when a "pattern" could make std::regex (which valijson uses, and
// which recurses once per repetition) overflow the stack on a long string:
// only bounded quantifiers ({1,64}) are allowed.
void refuse_unbounded_patterns(const json& node, const std::string& where) {
  if (node.is_array()) {
    for (const json& each : node) refuse_unbounded_patterns(each, where);
    return;
  }
  if (!node.is_object()) return;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (it.key() == "pattern" && it.value().is_string()) {
      const std::string p = it.value();
      if (p.find_first_of("*+") != std::string::npos || p.find(",}") != std::string::npos) {
        throw std::runtime_error("the pattern " + p + " of " + where +
                                 " has an unbounded repetition; use {min,max}");
      }
    }
    refuse_unbounded_patterns(it.value(), where);
  }
}

// valijson reads every integer as an int64_t: an unsigned one above
// INT64_MAX would wrap to a negative number, which a "minimum: -1" admits.
// Such a number is checked as the (non-integer) double it is close to.
bool has_integer_beyond_int64(const json& node) {
  if (node.is_number_unsigned()) {
    return node.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  }
  if (node.is_structured()) {
    for (const json& each : node) {
      if (has_integer_beyond_int64(each)) return true;
    }
  }
  return false;
}

void widen_integers_beyond_int64(json& node) {
  if (node.is_number_unsigned() &&
      node.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    node = static_cast<double>(node.get<uint64_t>());
  } else if (node.is_structured()) {
    for (json& each : node) widen_integers_beyond_int64(each);
  }
}

}  // namespace

json json_schema_of(const json& node) {
  if (node.is_array()) {
    json out = json::array();
    for (const json& each : node) out.push_back(json_schema_of(each));
    return out;
  }
  if (!node.is_object()) return node;
  json out = json::object();
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (it.key() == "nullable") continue;
    // "properties" holds names, not keywords: convert each member's schema.
    out[it.key()] = json_schema_of(it.value());
  }
  if (node.value("nullable", false)) {
    if (out.contains("type") && out["type"].is_string()) {
      out["type"] = json::array({out["type"], "null"});
    } else {
      // The wrapper keeps the schema's own sentence for its messages.
      json wrapper = json{{"anyOf", json::array({out, json{{"type", "null"}}})}};
      if (out.contains("x-error")) wrapper["x-error"] = out["x-error"];
      out = std::move(wrapper);
    }
  }
  return out;
}

BodySchemas::BodySchemas(const json& openapi) {
  refuse_unbounded_patterns(openapi, "docs/openapi.yaml");
  const json components = json_schema_of(openapi.value("components", json::object()));
  const json& paths = openapi.at("paths");
  for (auto p = paths.begin(); p != paths.end(); ++p) {
    for (auto op = p.value().begin(); op != p.value().end(); ++op) {
      const auto method = methods_by_name().find(op.key());
      if (method == methods_by_name().end()) continue;
      const json* schema = nullptr;
      try {
        schema = &op.value().at("requestBody").at("content").at("application/json").at("schema");
      } catch (const json::exception&) {
        continue;
      }
      Entry entry;
      entry.optional = !op.value()["requestBody"].value("required", false);
      entry.root =
          json{{"allOf", json::array({json_schema_of(*schema)})}, {"components", components}};
      entry.schema = std::make_unique<valijson::Schema>();
      valijson::SchemaParser parser(valijson::SchemaParser::kDraft4);
      valijson::adapters::NlohmannJsonAdapter adapter(entry.root);
      try {
        parser.populateSchema(adapter, *entry.schema);
      } catch (const std::exception& e) {
        throw std::runtime_error("the body schema of " + op.key() + " " + p.key() +
                                 " does not compile: " + e.what());
      }
      const auto [at, added] =
          entries_.emplace(std::pair{method->second, p.key()}, std::move(entry));
      if (!added) continue;
      // The rules are found by their place in the stored root: compiled
      // once it has its final address.
      try {
        const json& root = at->second.root;
        for (const json* part : {&root["allOf"][0], &root["components"]}) {
          compile_rules(*part, at->second.rules);
        }
      } catch (const std::exception& e) {
        throw std::runtime_error("a rule of " + op.key() + " " + p.key() +
                                 " does not compile: " + e.what());
      }
    }
  }
}

BodySchemas::~BodySchemas() = default;

const BodySchemas& published_body_schemas() {
  static const BodySchemas schemas(openapi_document());
  return schemas;
}

bool BodySchemas::has(Method method, const std::string& path) const {
  return entries_.count({method, path}) > 0;
}

bool BodySchemas::expects(Method method, const std::string& path,
                          const std::string& raw_body) const {
  const auto found = entries_.find({method, path});
  if (found == entries_.end()) return false;
  const bool blank = raw_body.find_first_not_of(" \t\r\n") == std::string::npos;
  return !(blank && found->second.optional);
}

void BodySchemas::check(Method method, const std::string& path, const json& raw_body) const {
  const auto found = entries_.find({method, path});
  if (found == entries_.end()) return;
  const Entry& entry = found->second;
  valijson::Validator validator(valijson::Validator::kStrongTypes);
  valijson::ValidationResults results;
  json widened;
  if (has_integer_beyond_int64(raw_body)) {
    widened = raw_body;
    widen_integers_beyond_int64(widened);
  }
  const json& body = widened.is_null() ? raw_body : widened;
  valijson::adapters::NlohmannJsonAdapter target(body);
  if (validator.validate(*entry.schema, target, &results)) return;
  const auto errors = deepest(results);
  if (errors.empty()) throw common::bad_request("the request body does not match its schema");
  const std::vector<std::string>& context = errors.front()->context;
  // The schema at the errors' place, walked from the body schema.
  const json* schema = &entry.root["allOf"][0];
  for (size_t i = 1; i < context.size() && schema; ++i) {
    schema = step_into(entry.root, schema, context[i]);
  }
  // Keys in the path can come from the client: quote a bounded excerpt.
  const std::string field = common::excerpt(field_name(context), 128);
  const json* value = value_at(body, context);
  const ValidationError* error = chosen(entry.root, schema, errors);
  if (!error && value) {
    if (const json* rule = broken_rule(entry, schema, *value)) {
      const std::string member = rule->value("x-member", "");
      const std::string subject = field.empty() ? (member.empty() ? "the request body" : member)
                                                : (member.empty() ? field : field + "." + member);
      throw common::bad_request(subject + " " + (*rule)["x-error"].get<std::string>());
    }
  }
  if (!error) error = errors.front();
  std::string what = problem(entry.root, schema, error->description);
  // A required member given as null reads as missing.
  if (value && value->is_null() && what.rfind(" must be ", 0) == 0) what = " is required";
  if (field.empty()) {
    if (what.rfind(" must be ", 0) == 0) {
      // The shape a body must have: {"instance": {...}} for a create.
      std::string shape;
      const json* root = resolve(entry.root, entry.root["allOf"][0]);
      if (root && root->contains("required")) {
        for (const json& key : (*root)["required"]) {
          shape +=
              std::string(shape.empty() ? "" : ", ") + "\"" + key.get<std::string>() + "\": ...";
        }
      }
      throw common::bad_request("the request body must be " + what.substr(9) +
                                (shape.empty() ? "" : " like {" + shape + "}"));
    }
    if (!what.empty() && what[0] == '.') what.erase(0, 1);  // ".instance is required"
    throw common::bad_request(what[0] == ' ' ? "the request body" + what : what);
  }
  throw common::bad_request(field + what);
}

const json* BodySchemas::broken_rule(const Entry& entry, const json* schema,
                                     const json& value) const {
  schema = schema ? resolve(entry.root, *schema) : nullptr;
  if (!schema || !schema->is_object() || !schema->contains("allOf")) return nullptr;
  for (const json& rule : (*schema)["allOf"]) {
    const auto compiled = entry.rules.find(&rule);
    if (compiled == entry.rules.end()) continue;
    valijson::Validator validator(valijson::Validator::kStrongTypes);
    valijson::adapters::NlohmannJsonAdapter target(value);
    if (!validator.validate(*compiled->second, target, nullptr)) return &rule;
  }
  return nullptr;
}

}  // namespace automat::api
