<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="it_IT">
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation>Cerca &amp;in:</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>File di &amp;tipo:</translation>
    </message>
</context>
<context>
    <name>QCalendarWidget</name>
    <message>
        <source>Week</source>
        <translation>Settimana</translation>
    </message>
</context>
<context>
    <name>QPlatformTheme</name>
    <message>
        <source>Yes to All</source>
        <translation>Sì a tutti</translation>
    </message>
    <message>
        <source>No to All</source>
        <translation>No a tutti</translation>
    </message>
    <message>
        <source>Don't Save</source>
        <translation>Non salvare</translation>
    </message>
    <message>
        <source>Close without Saving</source>
        <translation>Chiudi senza salvare</translation>
    </message>
</context>
<context>
    <name>QColorDialog</name>
    <message>
        <source>Pick Screen Color</source>
        <translation>Scegli un colore sullo schermo</translation>
    </message>
</context>
</TS>
