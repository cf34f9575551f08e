#include "api/json_reader.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/client_text.h"
#include "common/error.h"

namespace automat::api {
namespace {

using nlohmann::json;

// nlohmann's id for "number overflow parsing ..." (an out_of_range error).
constexpr int kNumberOverflow = 406;
// Longest field path quoted in a message, in characters.
constexpr size_t kMaxPathChars = 128;

// Builds the document from SAX events, tracking where each value goes so a
// refusal can name it. Returning false from an event stops the parser.
class Builder {
 public:
  explicit Builder(int max_depth) : max_depth_(max_depth) {}

  bool null() { return add(json(nullptr)); }
  bool boolean(bool v) { return add(json(v)); }
  bool number_integer(json::number_integer_t v) { return add(json(v)); }
  bool number_unsigned(json::number_unsigned_t v) { return add(json(v)); }
  bool number_float(json::number_float_t v, const json::string_t&) { return add(json(v)); }
  bool binary(json::binary_t&) { return refuse("the request body is not valid JSON"); }

  bool string(json::string_t& v) {
    if (v.find('\0') != std::string::npos) {
      return refuse(field() + " must not contain U+0000 (NUL)");
    }
    return add(json(std::move(v)));
  }

  bool start_object(std::size_t) { return open(json::object()); }
  bool start_array(std::size_t) { return open(json::array()); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }

  bool key(json::string_t& k) {
    Level& top = levels_.back();
    if (k.find('\0') != std::string::npos) {
      return refuse("a key of " + place() + " contains U+0000 (NUL), which is not allowed");
    }
    if (top.container->contains(k)) {
      top.key = std::move(k);
      return refuse(field() + " is given twice; give each key of an object once");
    }
    top.key = std::move(k);
    return true;
  }

  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) {
    if (e.id == kNumberOverflow) {
      return refuse(field() + " is a number out of range (its magnitude must stay below 1e308)");
    }
    return refuse("the request body is not valid JSON (error at byte " + std::to_string(position) +
                  ")");
  }

  // The document, or the refusal.
  json result() {
    if (error_) throw *error_;
    return std::move(root_);
  }

 private:
  // An open array or object, and (for an object) the key being read.
  struct Level {
    json* container;
    std::string key;
  };

  bool refuse(const std::string& message) {
    if (!error_) error_ = common::bad_request(message);
    return false;
  }

  // Places `value` where the parser is: the root, the end of the open
  // array, or the open object's current key. Returns where it went.
  json* place_value(json value) {
    if (levels_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    Level& top = levels_.back();
    if (top.container->is_array()) {
      top.container->push_back(std::move(value));
      return &top.container->back();
    }
    return &((*top.container)[top.key] = std::move(value));
  }

  bool add(json value) {
    place_value(std::move(value));
    return true;
  }

  bool open(json empty) {
    if (static_cast<int>(levels_.size()) >= max_depth_) {
      return refuse("the request body nests arrays and objects deeper than " +
                    std::to_string(max_depth_) + " levels (at " + field() + ")");
    }
    levels_.push_back({place_value(std::move(empty)), {}});
    return true;
  }

  bool close() {
    levels_.pop_back();
    return true;
  }

  // The path of what sits at the open level `n` (n = levels_.size(): the
  // value being read), e.g. "instance.users[0].name".
  std::string path(size_t n) const {
    std::string out;
    for (size_t i = 0; i < n; ++i) {
      const json& c = *levels_[i].container;
      if (c.is_array()) {
        // Below a deeper open level the element is already added;
        // otherwise the value being read is the next one.
        const size_t index = c.size() - (i + 1 < levels_.size() ? 1 : 0);
        out += "[" + std::to_string(index) + "]";
      } else {
        out += (out.empty() ? "" : ".") + levels_[i].key;
      }
    }
    return out.empty() ? "the request body" : common::excerpt(out, kMaxPathChars);
  }

  // The value being read.
  std::string field() const { return path(levels_.size()); }
  // The object whose key is being read.
  std::string place() const { return path(levels_.size() - 1); }

  const int max_depth_;
  json root_;
  std::vector<Level> levels_;
  std::optional<common::Error> error_;
};

}  // namespace

json read_json(std::string_view text, int max_depth) {
  Builder builder(max_depth);
  json::sax_parse(text, &builder);
  return builder.result();
}

}  // namespace automat::api
