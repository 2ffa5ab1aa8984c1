#pragma once

#include <QFileDialog>
#include <QFileInfo>
#include <QLineEdit>

// Answers one of Qt's own (non-native) file dialogs with a path, as a user typing it would.
// QFileDialog::selectFile() leaves the name field alone while that field has focus, and whether
// it has focus yet is a race with the window system: fill the field itself, then check that the
// dialog took the path. Returns false when the dialog is not ready: ask again on the next poll.
inline bool answerFileDialog(QFileDialog* dialog, const QString& path)
{
    if (!dialog->isVisible())
        return false;
    auto* nameField = dialog->findChild<QLineEdit*>(QStringLiteral("fileNameEdit"));
    if (!nameField)
        return false;
    const QString absolute = QFileInfo(path).absoluteFilePath();
    nameField->setText(absolute);
    if (QFileInfo(dialog->selectedFiles().value(0)).absoluteFilePath() != absolute)
        return false;
    static_cast<QDialog*>(dialog)->accept(); // QFileDialog::accept, public through QDialog
    return true;
}
