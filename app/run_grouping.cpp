#include "run_grouping.hpp"

#include "field_value.hpp"
#include "run.hpp"

#include <QFileInfo>

namespace viewer {

QString runGroupKey(const Run& run, const QString& field)
{
    if (field == QLatin1String("folder"))
        return QFileInfo(run.sourcePath).path();
    if (field == QLatin1String("file"))
        return run.sourcePath;
    if (field == QLatin1String("run")) {
        const QString id = run.info.value(QStringLiteral("run")).toString();
        return id.isEmpty() ? run.id : id;
    }
    // A dotted name walks the nested objects: config.optimizer.name.
    const QStringList path = field.split(QLatin1Char('.'));
    QVariant value = run.info;
    for (const QString& part : path) {
        if (value.typeId() != QMetaType::QVariantMap) {
            value = QVariant();
            break;
        }
        value = value.toMap().value(part);
    }
    if (value.isValid())
        return FieldValue::fromVariant(value).text;
    // A key that itself holds a dot ({"config": {"a.b": 1}}): look among the flattened names.
    for (const FlatField& f : flattenFields(run.info)) {
        if (f.name == field)
            return f.value.text;
    }
    return {};
}

} // namespace viewer
