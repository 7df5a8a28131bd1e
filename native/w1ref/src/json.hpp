// A one-line JSON object writer for the figures each mode prints last.
#pragma once

#include <cmath>
#include <cstdio>
#include <string>

namespace w1 {

class JsonLine {
public:
    JsonLine &num(const std::string &key, double value, int decimals = 1) {
        char buf[64];
        if (std::isfinite(value))
            std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
        else
            std::snprintf(buf, sizeof buf, "null");
        return raw(key, buf);
    }

    JsonLine &str(const std::string &key, const std::string &value) {
        return raw(key, quote(value));
    }

    std::string text() const { return "{" + body_ + "}"; }

private:
    JsonLine &raw(const std::string &key, const std::string &value) {
        if (!body_.empty()) body_ += ", ";
        body_ += quote(key) + ": " + value;
        return *this;
    }

    static std::string quote(const std::string &s) {
        std::string out = "\"";
        for (char c : s) {
            if (c == '"' || c == '\\') {
                out += '\\';
                out += c;
            } else if (static_cast<unsigned char>(c) < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out += c;
            }
        }
        return out + "\"";
    }

    std::string body_;
};

} // namespace w1
