#pragma once

#include "field_value.hpp"

#include <QHash>
#include <QString>
#include <QVariantMap>

#include <cstdint>
#include <vector>

namespace viewer {

// 0xRRGGBB. viewer_core has no QtGui: the UI turns it into a QColor (QColor::fromRgb(rgb)).
using Rgb = std::uint32_t;

// Colours for runs, by any field (widget-free; GUI thread):
// - categorical (text, run ids): a qualitative palette of clearly distinct colours without red
//   (reserved for errors and NaN markers). A key keeps its slot for as long as the assignment
//   lives and across restarts when saved with toVariant()/restored with fromVariant(): opening
//   more runs never recolours the ones already shown. A new key takes the lowest free slot.
//   At most MaxRemembered keys are kept: the least recently used is forgotten first.
// - numeric (config.lr, batch_size): the viridis colormap (perceptual, readable in grey), on a log
//   scale when every value is positive and they span two decades or more (learning rates).
//   range() gives what the colour bar shows.
class RunColors
{
public:
    struct Range
    {
        double min = 0.0;
        double max = 0.0;
        bool log = false;
        bool valid = false;
    };

    static constexpr int PaletteSize = 20;
    static constexpr std::size_t MaxRemembered = 4096;

    // The n-th colour of the qualitative palette (n wraps around).
    static Rgb qualitative(int n);
    // Viridis at t in [0, 1] (clamped), interpolated between its tabulated stops.
    static Rgb viridis(double t);

    // Colour of a categorical key (e.g. a run id, or "adamw"); assigns a slot on first use.
    Rgb categorical(const QString& key);
    int slotOf(const QString& key) const
    {
        return m_slots.value(key, -1);
    }

    // Numeric: one colour per value; values that are not numbers get grey (0x9e9e9e).
    static Range rangeOf(const std::vector<FieldValue>& values);
    static Rgb continuous(const FieldValue& value, const Range& range);

    // Either kind for a column of values: numeric when every present value is a number and there
    // are at least 3 distinct ones, else categorical by text. Parallel to values.
    std::vector<Rgb> colorsFor(const std::vector<FieldValue>& values, Range* range = nullptr);

    QVariantMap toVariant() const;
    void fromVariant(const QVariantMap& map);

private:
    void forgetLeastRecent();

    QHash<QString, int> m_slots;
    std::vector<int> m_slotUse; // keys per slot
    QHash<QString, quint64> m_lastUse; // key -> m_clock at its last use (least recent forgotten)
    quint64 m_clock = 0;
};

} // namespace viewer
