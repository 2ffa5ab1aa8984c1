#pragma once
// ByteBuffer: a growable byte array without zero-filling, the storage of captured records and of
// formatted lines. Not thread-safe; its owner's lock guards it. Reading it from a signal handler is
// safe while that lock is held, because only growth (under the lock) moves the bytes.

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

namespace telemetry::detail {

class ByteBuffer
{
public:
    ByteBuffer() = default;
    ByteBuffer(const ByteBuffer&) = delete;
    ByteBuffer& operator=(const ByteBuffer&) = delete;
    ByteBuffer(ByteBuffer&& other) noexcept
    {
        swap(other);
    }
    ByteBuffer& operator=(ByteBuffer&& other) noexcept
    {
        swap(other);
        return *this;
    }
    ~ByteBuffer()
    {
        std::free(data_);
    }

    char* data() noexcept
    {
        return data_;
    }
    const char* data() const noexcept
    {
        return data_;
    }
    std::size_t size() const noexcept
    {
        return size_;
    }
    std::size_t capacity() const noexcept
    {
        return capacity_;
    }
    bool empty() const noexcept
    {
        return size_ == 0;
    }

    // Pointer to the end, with at least n writable bytes behind it. Throws std::bad_alloc.
    char* reserve(std::size_t n)
    {
        if (capacity_ - size_ < n) {
            expand(size_ + n);
        }
        return data_ + size_;
    }
    // Makes the bytes up to `end` (obtained from reserve) part of the buffer.
    void commit(char* end) noexcept
    {
        size_ = static_cast<std::size_t>(end - data_);
    }
    void append(const void* bytes, std::size_t n)
    {
        char* p = reserve(n);
        if (n != 0) {
            std::memcpy(p, bytes, n);
        }
        size_ += n;
    }
    void truncate(std::size_t n) noexcept
    {
        if (n < size_) {
            size_ = n;
        }
    }
    void clear() noexcept
    {
        size_ = 0;
    }
    void erase_front(std::size_t n) noexcept
    {
        if (n >= size_) {
            size_ = 0;
            return;
        }
        std::memmove(data_, data_ + n, size_ - n);
        size_ -= n;
    }
    void ensure_capacity(std::size_t n)
    {
        if (capacity_ < n) {
            expand(n);
        }
    }
    // Gives the memory back when a burst left a large buffer behind.
    void shrink_to(std::size_t n) noexcept
    {
        if (capacity_ > n && size_ <= n) {
            if (void* p = std::realloc(data_, n == 0 ? 1 : n)) {
                data_ = static_cast<char*>(p);
                capacity_ = n == 0 ? 1 : n;
            }
        }
    }
    void swap(ByteBuffer& other) noexcept
    {
        std::swap(data_, other.data_);
        std::swap(size_, other.size_);
        std::swap(capacity_, other.capacity_);
    }

private:
    void expand(std::size_t needed)
    {
        std::size_t cap = capacity_ < 256 ? 256 : capacity_;
        while (cap < needed) {
            cap = cap + cap / 2 + 64;
        }
        void* p = std::realloc(data_, cap);
        if (p == nullptr) {
            throw std::bad_alloc();
        }
        data_ = static_cast<char*>(p);
        capacity_ = cap;
    }

    char* data_ = nullptr;
    std::size_t size_ = 0;
    std::size_t capacity_ = 0;
};

} // namespace telemetry::detail
