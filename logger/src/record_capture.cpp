#include "record_capture.hpp"

#include <nlohmann/json.hpp>

namespace telemetry {

bool Context::empty() const noexcept
{
    if (kind_ == Kind::json) {
        return json_ == nullptr || json_->is_null() || (json_->is_object() && json_->empty());
    }
    return size_ == 0;
}

namespace detail {

Rejection RecordCapture::json_item(
    std::string_view key, const nlohmann::json& value, std::size_t level)
{
    using Type = nlohmann::json::value_t;
    switch (value.type()) {
    case Type::null:
        add_null(key);
        return {};
    case Type::boolean:
        add_bool(key, value.get<bool>());
        return {};
    case Type::number_integer:
        add_int(key, value.get<std::int64_t>());
        return {};
    case Type::number_unsigned:
        add_uint(key, value.get<std::uint64_t>());
        return {};
    case Type::number_float:
        add_double(key, value.get<double>());
        return {};
    case Type::string:
        add_string(key, value.get_ref<const std::string&>());
        return {};
    case Type::object: {
        if (level + 1 > max_depth_) {
            return { Rejection::too_deep, key };
        }
        key_item(op_object, key, 0);
        if (Rejection r = json_members(value, level + 1, nullptr)) {
            return r;
        }
        end_item();
        return {};
    }
    case Type::array: {
        if (level + 1 > max_depth_) {
            return { Rejection::too_deep, key };
        }
        key_item(op_array, key, 0);
        for (const auto& element : value) {
            if (Rejection r = json_item({}, element, level + 1)) {
                return r;
            }
        }
        end_item();
        return {};
    }
    case Type::binary:
    case Type::discarded:
        break;
    }
    return { Rejection::unsupported_type, key };
}

Rejection RecordCapture::json_members(
    const nlohmann::json& object, std::size_t level, const ReservedKeys* reserved)
{
    for (auto it = object.begin(); it != object.end(); ++it) {
        const std::string& key = it.key();
        if (reserved != nullptr && reserved->contains(key)) {
            return { Rejection::reserved_key, key };
        }
        if (Rejection r = json_item(key, it.value(), level)) {
            return r;
        }
    }
    return {};
}

Rejection RecordCapture::json_context(std::string_view key, const nlohmann::json& value)
{
    if (value.is_null()) {
        key_item(op_object, key, 0);
        end_item();
        return {};
    }
    if (!value.is_object()) {
        return { Rejection::not_object, key };
    }
    return json_item(key, value, 1);
}

Rejection RecordCapture::add_fields(const Context& context, const ReservedKeys* reserved)
{
    if (context.kind() == Context::Kind::json) {
        const nlohmann::json& value = *context.json();
        if (value.is_null()) {
            return {};
        }
        if (!value.is_object()) {
            return { Rejection::not_object, {} };
        }
        return json_members(value, 1, reserved);
    }
    for (const Field& field : context) {
        if (reserved != nullptr && reserved->contains(field.key)) {
            return { Rejection::reserved_key, field.key };
        }
        if (Rejection r = value_item(field.key, field.value, 1)) {
            return r;
        }
    }
    return {};
}

} // namespace detail
} // namespace telemetry
