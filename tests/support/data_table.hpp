#pragma once
// Data-driven Qt Test tables written as tables: the columns once, then one row a line, instead of a
// QTest::addColumn call per column and a QTest::newRow chain per case in every `_data()` function.
//
//   addTable<QString, QString>({ "text", "cell" },
//       {
//           { "plain", "a", "a" },
//           { "formula", "=1", "'=1" },
//       });
//
// Each row keeps its own name (the tag QTest prints) and its values in the column types, so a
// failing case reads as it did with newRow.

#include <QTest>

#include <array>
#include <cstddef>
#include <initializer_list>
#include <tuple>
#include <utility>

namespace testing {

template <typename... Columns>
void addColumns(const std::array<const char*, sizeof...(Columns)>& names)
{
    std::size_t i = 0;
    (QTest::addColumn<Columns>(names[i++]), ...);
}

template <typename... Columns> struct TableRow
{
    // Not explicit: a row is written as a braced list { "name", value, value, ... }.
    // NOLINTNEXTLINE(google-explicit-constructor)
    TableRow(const char* rowName, Columns... rowValues)
        : name(rowName)
        , values(std::move(rowValues)...)
    {
    }
    const char* name;
    std::tuple<Columns...> values;
};

template <typename... Columns> void addRows(std::initializer_list<TableRow<Columns...>> rows)
{
    for (const TableRow<Columns...>& row : rows) {
        std::apply([&row](const Columns&... values) { (QTest::newRow(row.name) << ... << values); },
            row.values);
    }
}

template <typename... Columns>
void addTable(const std::array<const char*, sizeof...(Columns)>& columns,
    std::initializer_list<TableRow<Columns...>> rows)
{
    addColumns<Columns...>(columns);
    addRows<Columns...>(rows);
}

} // namespace testing
