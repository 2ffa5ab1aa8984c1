#pragma once
// Context: what a callback receives beside the step or epoch, as a view that costs two pointers.
// Built from a braced list in a hot loop, `log.on_step_end(step, {{"loss", l}, {"lr", lr}})`, from
// a std::vector<Field> assembled at run time, or from an nlohmann::json object for anything else.
// Like Value, it is only valid during the call it is passed to.

#include <telemetry/value.hpp>

#include <cstddef>
#include <initializer_list>
#include <vector>

namespace telemetry {

class Context
{
public:
    enum class Kind : unsigned char
    {
        fields,
        json
    };

    Context() noexcept = default;
    // The list's array lives until the end of the full expression that holds the logging call,
    // which is as long as a Context is used. (Assigned in the body: GCC's -Winit-list-lifetime
    // flags the member-initializer form, which is equally valid here.)
    Context(std::initializer_list<Field> fields) noexcept
    {
        fields_ = fields.begin();
        size_ = fields.size();
    }
    Context(const Field* fields, std::size_t count) noexcept
        : fields_(fields)
        , size_(count)
    {
    }
    template <class Allocator>
    Context(const std::vector<Field, Allocator>& fields) noexcept
        : fields_(fields.data())
        , size_(fields.size())
    {
    }
    // Must hold a JSON object; anything else makes the record be rejected (and counted).
    Context(const nlohmann::json& object) noexcept
        : json_(&object)
        , kind_(Kind::json)
    {
    }

    Kind kind() const noexcept
    {
        return kind_;
    }
    // True when there is nothing to write. A json context counts as empty when it is an empty
    // object or null (defined out of line: this header only sees nlohmann's forward declarations).
    bool empty() const noexcept;
    const Field* begin() const noexcept
    {
        return fields_;
    }
    const Field* end() const noexcept
    {
        return fields_ + size_;
    }
    std::size_t size() const noexcept
    {
        return size_;
    }
    const nlohmann::json* json() const noexcept
    {
        return json_;
    }

private:
    const Field* fields_ = nullptr;
    std::size_t size_ = 0;
    const nlohmann::json* json_ = nullptr;
    Kind kind_ = Kind::fields;
};

} // namespace telemetry
