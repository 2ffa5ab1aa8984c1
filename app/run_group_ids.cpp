#include "run_group_ids.hpp"

#include "run_grouping.hpp"
#include "ssh_command.hpp"

#include <QDir>
#include <QFileInfo>

namespace viewer {

void RunGroupIds::setField(const QString& field)
{
    if (field == m_field)
        return;
    m_field = field;
    m_ids.clear();
}

RunGroupIds::Group RunGroupIds::groupOf(const Run& run)
{
    if (m_field.isEmpty())
        return {};
    const QString key = runGroupKey(run, m_field);
    auto it = m_ids.find(key);
    if (it == m_ids.end())
        it = m_ids.insert(key, static_cast<int>(m_ids.size()));
    return { it.value(), labelOf(m_field, key) };
}

QString RunGroupIds::labelOf(const QString& field, const QString& key)
{
    // The last part of a dotted name says enough beside its value: config.optimizer -> optimizer.
    const QString shortField = field.mid(field.lastIndexOf(QLatin1Char('.')) + 1);
    if (key.isEmpty())
        return QStringLiteral("(no %1)").arg(shortField);
    if (field == QLatin1String("run"))
        return key;
    // A remote folder or file says its host: two hosts' "job7" folders are two names.
    if (field == QLatin1String("folder") || field == QLatin1String("file")) {
        QString remote = RemoteUrl::shownNameOf(key);
        if (!remote.isEmpty())
            return remote;
    }
    if (field == QLatin1String("folder"))
        return QDir(key).dirName().isEmpty() ? key : QDir(key).dirName();
    if (field == QLatin1String("file"))
        return QFileInfo(key).fileName();
    return shortField + QLatin1Char('=') + key;
}

} // namespace viewer
