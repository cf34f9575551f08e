#include "common/config.h"

#include <fstream>
#include <sstream>

#include "common/error.h"
#include "common/text.h"

namespace automat::common {
Config Config::from_string(const std::string& text) {
  Config cfg;
  std::istringstream in(text);
  std::string line;
  std::string section = "DEFAULT";
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    const std::string t = trimmed(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t.front() == '[') {
      if (t.back() != ']') {
        throw bad_request("config line " + std::to_string(lineno) + ": unterminated section");
      }
      section = trimmed(t.substr(1, t.size() - 2));
      continue;
    }
    const auto eq = t.find('=');
    if (eq == std::string::npos) {
      throw bad_request("config line " + std::to_string(lineno) + ": expected key = value");
    }
    cfg.sections_[section][trimmed(t.substr(0, eq))] = trimmed(t.substr(eq + 1));
  }
  return cfg;
}

Config Config::load(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw bad_request("cannot read config file " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  try {
    return from_string(ss.str());
  } catch (const Error& e) {
    throw bad_request(path + ": " + e.what());
  }
}

std::optional<std::string> Config::find(const std::string& section, const std::string& key) const {
  for (const auto& s : {section, std::string("DEFAULT")}) {
    auto it = sections_.find(s);
    if (it == sections_.end()) continue;
    auto kv = it->second.find(key);
    if (kv != it->second.end()) return kv->second;
  }
  return std::nullopt;
}

std::string Config::get(const std::string& section, const std::string& key,
                        const std::string& fallback) const {
  return find(section, key).value_or(fallback);
}

int Config::get_int(const std::string& section, const std::string& key, int fallback) const {
  auto v = find(section, key);
  if (!v) return fallback;
  try {
    return std::stoi(*v);
  } catch (const std::exception&) {
    throw bad_request("config [" + section + "] " + key + " must be an integer, got '" + *v + "'");
  }
}

double Config::get_double(const std::string& section, const std::string& key,
                          double fallback) const {
  auto v = find(section, key);
  if (!v) return fallback;
  try {
    return std::stod(*v);
  } catch (const std::exception&) {
    throw bad_request("config [" + section + "] " + key + " must be a number, got '" + *v + "'");
  }
}

bool Config::get_bool(const std::string& section, const std::string& key, bool fallback) const {
  auto v = find(section, key);
  if (!v) return fallback;
  return *v == "true" || *v == "True" || *v == "1" || *v == "yes";
}

void Config::set(const std::string& section, const std::string& key, const std::string& value) {
  sections_[section][key] = value;
}

}  // namespace automat::common
