<#
.SYNOPSIS
Builds the module's MAML help (en-US/HvApi.dll-Help.xml) from one source.

.DESCRIPTION
The words come from HvApi.Help.psd1; the syntax, parameter sets, types, positions, aliases and
pipeline input come from the built cmdlets themselves, so help cannot drift from the code. The
build fails when an exported cmdlet lacks a synopsis, a description, an example or the
description of any of its parameters.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $Source,
    [Parameter(Mandatory)] [string] $Output
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$help = Import-PowerShellDataFile -LiteralPath $Source
$module = Import-Module -Name $ModulePath -PassThru -Force
$skip = [System.Management.Automation.Cmdlet]::CommonParameters
$standard = @{
    WhatIf  = 'Shows what would happen if the cmdlet runs. The cmdlet is not run: nothing changes and no event is recorded.'
    Confirm = 'Prompts you for confirmation before running the cmdlet.'
}

$problems = [System.Collections.Generic.List[string]]::new()
$settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
$null = New-Item -ItemType Directory -Force -Path (Split-Path -Parent $Output)
$w = [System.Xml.XmlWriter]::Create($Output, $settings)
$maml = 'http://schemas.microsoft.com/maml/2004/10'
$command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$dev = 'http://schemas.microsoft.com/maml/dev/2004/10'

function Paras([string[]] $texts) {
    $w.WriteStartElement('maml', 'description', $maml)
    foreach ($t in $texts) { $w.WriteElementString('maml', 'para', $maml, $t) }
    $w.WriteEndElement()
}

function TypeName([type] $t) {
    if ($t -eq [System.Management.Automation.SwitchParameter]) { return 'SwitchParameter' }
    $t.Name
}

function PipelineInput($p) {
    $how = @()
    if ($p.ValueFromPipeline) { $how += 'ByValue' }
    if ($p.ValueFromPipelineByPropertyName) { $how += 'ByPropertyName' }
    if ($how) { "True ($($how -join ', '))" } else { 'False' }
}

function WriteParameter($p, [string] $description, [bool] $withDescription) {
    $isSwitch = $p.ParameterType -eq [System.Management.Automation.SwitchParameter]
    $w.WriteStartElement('command', 'parameter', $command)
    $w.WriteAttributeString('required', $p.IsMandatory.ToString().ToLower())
    $w.WriteAttributeString('variableLength', $p.ParameterType.IsArray.ToString().ToLower())
    $wild = [bool]($p.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
    $w.WriteAttributeString('globbing', $wild.ToString().ToLower())
    $w.WriteAttributeString('pipelineInput', (PipelineInput $p))
    $w.WriteAttributeString('position', $(if ($p.Position -ge 0) { [string]($p.Position + 1) } else { 'named' }))
    $w.WriteAttributeString('aliases', $(if ($p.Aliases.Count) { $p.Aliases -join ', ' } else { 'none' }))
    $w.WriteElementString('maml', 'name', $maml, $p.Name)
    if ($withDescription) { Paras @($description) }
    if (-not $isSwitch) {
        $w.WriteStartElement('command', 'parameterValue', $command)
        $w.WriteAttributeString('required', 'true')
        $w.WriteAttributeString('variableLength', $p.ParameterType.IsArray.ToString().ToLower())
        $w.WriteString((TypeName $p.ParameterType))
        $w.WriteEndElement()
    }
    $w.WriteStartElement('dev', 'type', $dev)
    $w.WriteElementString('maml', 'name', $maml, $p.ParameterType.FullName)
    $w.WriteEndElement()
    if ($withDescription) { $w.WriteElementString('dev', 'defaultValue', $dev, 'None') }
    $w.WriteEndElement()
}

$w.WriteStartDocument()
$w.WriteStartElement('helpItems', 'http://msh')
$w.WriteAttributeString('schema', 'maml')
foreach ($name in ($module.ExportedCmdlets.Keys | Sort-Object)) {
    $cmd = Get-Command -Name $name -Module $module.Name
    $entry = $help.Cmdlets[$name]
    if (-not $entry) { $problems.Add("$name has no entry in $Source"); continue }
    foreach ($key in 'Synopsis', 'Description', 'Examples') {
        if (-not $entry[$key]) { $problems.Add("$name has no $key") }
    }
    $described = @{}
    foreach ($p in $cmd.Parameters.Values) {
        if ($skip -contains $p.Name) { continue }
        $text = if ($entry.Parameters -and $entry.Parameters[$p.Name]) { $entry.Parameters[$p.Name] }
        elseif ($help.CommonParameters[$p.Name]) { $help.CommonParameters[$p.Name] }
        else { $standard[$p.Name] }
        if (-not $text) { $problems.Add("$name -$($p.Name) has no description") }
        $described[$p.Name] = $text
    }

    $w.WriteStartElement('command', 'command', $command)
    $w.WriteAttributeString('xmlns', 'maml', $null, $maml)
    $w.WriteAttributeString('xmlns', 'dev', $null, $dev)
    $w.WriteStartElement('command', 'details', $command)
    $w.WriteElementString('command', 'name', $command, $name)
    $w.WriteElementString('command', 'verb', $command, $cmd.Verb)
    $w.WriteElementString('command', 'noun', $command, $cmd.Noun)
    Paras @($entry.Synopsis)
    $w.WriteEndElement()
    Paras @($entry.Description)

    $w.WriteStartElement('command', 'syntax', $command)
    foreach ($set in $cmd.ParameterSets) {
        $w.WriteStartElement('command', 'syntaxItem', $command)
        $w.WriteElementString('maml', 'name', $maml, $name)
        # Positional parameters first, by position; then mandatory ones; then the rest.
        $ordered = $set.Parameters | Where-Object { $skip -notcontains $_.Name } |
            Sort-Object -Stable { if ($_.Position -ge 0) { $_.Position } else { [int]::MaxValue } }, { -not $_.IsMandatory }
        foreach ($p in $ordered) { WriteParameter $p $null $false }
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'parameters', $command)
    foreach ($pname in ($described.Keys | Sort-Object)) {
        # The first parameter set that has it gives position, mandatory and pipeline input.
        $p = $cmd.ParameterSets | ForEach-Object { $_.Parameters } | Where-Object Name -EQ $pname | Select-Object -First 1
        WriteParameter $p $described[$pname] $true
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'inputTypes', $command)
    $pipeline = $cmd.ParameterSets | ForEach-Object { $_.Parameters } | Where-Object { $_.ValueFromPipeline -or $_.ValueFromPipelineByPropertyName } |
        Sort-Object Name -Unique
    foreach ($p in $pipeline) {
        $w.WriteStartElement('command', 'inputType', $command)
        $w.WriteStartElement('dev', 'type', $dev)
        $w.WriteElementString('maml', 'name', $maml, $p.ParameterType.FullName)
        $w.WriteEndElement()
        Paras @("-$($p.Name) $((PipelineInput $p).ToLower().Replace('true ', ''))")
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'returnValues', $command)
    foreach ($t in $cmd.OutputType) {
        $w.WriteStartElement('command', 'returnValue', $command)
        $w.WriteStartElement('dev', 'type', $dev)
        $w.WriteElementString('maml', 'name', $maml, $(if ($t.Type -eq [void]) { 'None' } else { $t.Name }))
        $w.WriteEndElement()
        Paras @('')
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    if ($entry.Notes) {
        $w.WriteStartElement('maml', 'alertSet', $maml)
        $w.WriteStartElement('maml', 'alert', $maml)
        foreach ($t in @($entry.Notes)) { $w.WriteElementString('maml', 'para', $maml, $t) }
        $w.WriteEndElement()
        $w.WriteEndElement()
    }

    $w.WriteStartElement('command', 'examples', $command)
    $i = 0
    foreach ($ex in @($entry.Examples)) {
        $i++
        $w.WriteStartElement('command', 'example', $command)
        $w.WriteElementString('maml', 'title', $maml, "-------------------------- Example $i --------------------------")
        $w.WriteElementString('dev', 'code', $dev, $ex.Code)
        $w.WriteStartElement('dev', 'remarks', $dev)
        $w.WriteElementString('maml', 'para', $maml, $ex.Remarks)
        $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'relatedLinks', $command)
    foreach ($link in @($entry.Links)) {
        if (-not $link) { continue }
        $w.WriteStartElement('maml', 'navigationLink', $maml)
        $w.WriteElementString('maml', 'linkText', $maml, $link)
        $w.WriteElementString('maml', 'uri', $maml, '')
        $w.WriteEndElement()
    }
    $w.WriteEndElement()
    $w.WriteEndElement()
}
$w.WriteEndElement()
$w.WriteEndDocument()
$w.Close()

foreach ($name in $help.Cmdlets.Keys) {
    if (-not $module.ExportedCmdlets.ContainsKey($name)) { $problems.Add("$Source describes $name, which the module does not export") }
}
if ($problems.Count) {
    $problems | ForEach-Object { Write-Host "help: $_" }
    Remove-Item -LiteralPath $Output
    throw "help is incomplete ($($problems.Count) problems)"
}
Write-Host "help: wrote $Output ($($module.ExportedCmdlets.Count) cmdlets)"
