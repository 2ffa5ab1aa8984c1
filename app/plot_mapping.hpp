#pragma once

#include <QPointF>
#include <QRectF>

#include <cmath>

namespace viewer {

// Data <-> pixel mapping of one chart's plot area, linear or log10 per axis, the same one the
// decimator's pixel columns are cut with (so a gap or a spike lands in the column it was found
// in). A value type: cheap to copy, no Qt object behind it. On a log axis values <= 0 have no
// position: toPixel gives NaN for them and the caller skips the point.
struct PlotMapping
{
    QRectF rect; // plot area, in the coordinates of the item that paints
    double x0 = 0.0;
    double x1 = 1.0;
    double y0 = 0.0;
    double y1 = 1.0;
    bool logX = false;
    bool logY = false;

    static double axisValue(double v, bool log)
    {
        return log ? (v > 0.0 ? std::log10(v) : std::nan("")) : v;
    }
    double px(double x) const
    {
        const double a = axisValue(x0, logX);
        const double b = axisValue(x1, logX);
        return rect.left() + (axisValue(x, logX) - a) / (b - a) * rect.width();
    }
    double py(double y) const
    {
        const double a = axisValue(y0, logY);
        const double b = axisValue(y1, logY);
        return rect.bottom() - (axisValue(y, logY) - a) / (b - a) * rect.height();
    }
    QPointF toPixel(double x, double y) const
    {
        return { px(x), py(y) };
    }
    double xAt(double pixelX) const
    {
        const double a = axisValue(x0, logX);
        const double b = axisValue(x1, logX);
        const double v = a + (pixelX - rect.left()) / rect.width() * (b - a);
        return logX ? std::pow(10.0, v) : v;
    }
    double yAt(double pixelY) const
    {
        const double a = axisValue(y0, logY);
        const double b = axisValue(y1, logY);
        const double v = a + (rect.bottom() - pixelY) / rect.height() * (b - a);
        return logY ? std::pow(10.0, v) : v;
    }
    bool isValid() const
    {
        return rect.width() > 0 && rect.height() > 0 && x1 > x0 && y1 > y0 && (!logX || x0 > 0.0)
            && (!logY || y0 > 0.0);
    }
};

} // namespace viewer
