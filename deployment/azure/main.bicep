// Beredskabsbot on Azure: a Linux App Service (Python 3.11) running the production server, a storage account
// for what its instances share, and a single-tenant Azure Bot whose Teams channel sends to it.
// Step by step: docs/deploy.md.
//
//   az deployment group create --resource-group <rg> --template-file deployment/azure/main.bicep \
//     --parameters @deployment/azure/main.parameters.json
//
// Every variable the bot reads (bot/settings.py) is an app setting here; tests/test_azure_template.py checks it.

targetScope = 'resourceGroup'

@description('Name of the web app (also the host name: <name>.azurewebsites.net) and prefix of the other resources.')
param name string

param location string = resourceGroup().location

@description('App Service plan size. B1 is enough for one municipality.')
param appServiceSku string = 'B1'

@description('Instances of the web app. More than one needs the storage account (sharedStorage), which holds what they share.')
@minValue(1)
param instanceCount int = 1

@description('Keep state, references, broadcasts and usage in the storage account below (needed past one instance). False: SQLite in /home/data.')
param sharedStorage bool = true

@description('Azure Bot pricing tier: F0 is free for the Teams channel (standard channels are not metered).')
param botSku string = 'F0'

@description('The Entra ID app registration\'s Application (client) ID.')
param microsoftAppId string

@description('The Entra ID Directory (tenant) ID the app registration lives in (single tenant).')
param microsoftAppTenantId string = subscription().tenantId

@secure()
@description('The app registration\'s client secret. Leave empty when microsoftAppPasswordSecretUri is given.')
param microsoftAppPassword string = ''

@description('A Key Vault secret URI holding the client secret (the web app\'s managed identity needs "get" on it).')
param microsoftAppPasswordSecretUri string = ''

@description('The plan: a folder name under knowledge/ (holstebro, albertslund) or a path in the deployed app.')
param plan string = 'holstebro'

@description('Entra object ids of the SSP coordinators, comma-separated.')
param coordinators string = ''

@description('Gunicorn workers per instance. With sharedStorage they keep nothing in DATA_DIR; without it DATA_DIR is /home, a network share: keep 1 there (docs/deploy.md).')
param webConcurrency int = 1

param flowTimeoutMinutes string = '60'
param reminderRate string = '50'
param usageRetentionMonths string = '24'

@secure()
@description('Optional: a storage account of your own, by connection string (a key), instead of the one this template creates.')
param azureStorageConnectionString string = ''

@description('The blob container in the storage account.')
param storageContainer string = 'beredskabsbot'

// Bot Framework endpoints: public Azure unless the bot runs in another cloud.
param toBotFromChannelOpenIdMetadataUrl string = 'https://login.botframework.com/v1/.well-known/openidconfiguration'
param toBotFromChannelTokenIssuer string = 'https://api.botframework.com'
param toChannelFromBotLoginUrl string = 'https://login.microsoftonline.com/'
param toChannelFromBotOAuthScope string = 'https://api.botframework.com'

var port = '8000'
var ownStorage = sharedStorage && empty(azureStorageConnectionString)
// Storage Blob Data Contributor: read, write and lease blobs, nothing else (no keys, no account settings).
var blobDataContributor = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')
var appPassword = empty(microsoftAppPasswordSecretUri) ? microsoftAppPassword : '@Microsoft.KeyVault(SecretUri=${microsoftAppPasswordSecretUri})'

resource hosting 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${name}-plan'
  location: location
  kind: 'linux'
  sku: {
    name: appServiceSku
    // Past one instance only with the shared store: SQLite files on /home do not take several instances.
    capacity: sharedStorage ? instanceCount : 1
  }
  properties: {
    reserved: true
  }
}

// Private: no anonymous access to any blob, HTTPS with TLS 1.2 or later only, and no account keys: the web app
// reaches it with its managed identity (AZURE_STORAGE_ACCOUNT_URL).
resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = if (ownStorage) {
  name: take('${toLower(replace(replace(name, '-', ''), '_', ''))}${uniqueString(resourceGroup().id)}', 24)
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_ZRS'
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = if (ownStorage) {
  parent: storage
  name: 'default'
}

resource container 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = if (ownStorage) {
  parent: blobService
  name: storageContainer
  properties: {
    publicAccess: 'None'
  }
}

resource site 'Microsoft.Web/sites@2023-12-01' = {
  name: name
  location: location
  kind: 'app,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: hosting.id
    httpsOnly: true
    clientAffinityEnabled: false
    siteConfig: {
      linuxFxVersion: 'PYTHON|3.11'
      appCommandLine: 'gunicorn --config gunicorn.conf.py app:serve'
      healthCheckPath: '/healthz'
      alwaysOn: true
      http20Enabled: true
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [
        {
          name: 'SCM_DO_BUILD_DURING_DEPLOYMENT'
          value: 'true'
        }
        {
          name: 'WEBSITES_ENABLE_APP_SERVICE_STORAGE'
          value: 'true'
        }
        {
          name: 'WEBSITES_PORT'
          value: port
        }
        {
          name: 'PORT'
          value: port
        }
        {
          // With the shared store DATA_DIR holds only this instance's lock files: the instance's own disk.
          name: 'DATA_DIR'
          value: sharedStorage ? '/tmp/beredskabsbot' : '/home/data'
        }
        {
          name: 'PLAN'
          value: plan
        }
        {
          name: 'MicrosoftAppId'
          value: microsoftAppId
        }
        {
          name: 'MicrosoftAppPassword'
          value: appPassword
        }
        {
          name: 'MicrosoftAppType'
          value: 'SingleTenant'
        }
        {
          name: 'MicrosoftAppTenantId'
          value: microsoftAppTenantId
        }
        {
          name: 'COORDINATORS'
          value: coordinators
        }
        {
          name: 'PLAYGROUND'
          value: '0'
        }
        {
          name: 'WEB_CONCURRENCY'
          value: string(webConcurrency)
        }
        {
          name: 'FLOW_TIMEOUT_MINUTES'
          value: flowTimeoutMinutes
        }
        {
          name: 'REMINDER_RATE'
          value: reminderRate
        }
        {
          name: 'USAGE_RETENTION_MONTHS'
          value: usageRetentionMonths
        }
        {
          name: 'ToBotFromChannelOpenIdMetadataUrl'
          value: toBotFromChannelOpenIdMetadataUrl
        }
        {
          name: 'ToBotFromChannelTokenIssuer'
          value: toBotFromChannelTokenIssuer
        }
        {
          name: 'ToChannelFromBotLoginUrl'
          value: toChannelFromBotLoginUrl
        }
        {
          name: 'ToChannelFromBotOAuthScope'
          value: toChannelFromBotOAuthScope
        }
        {
          name: 'AZURE_STORAGE_CONNECTION_STRING'
          value: azureStorageConnectionString
        }
        {
          name: 'AZURE_STORAGE_ACCOUNT_URL'
          value: ownStorage ? storage.properties.primaryEndpoints.blob : ''
        }
        {
          name: 'STORAGE_CONTAINER'
          value: storageContainer
        }
      ]
    }
  }
}

resource storageAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (ownStorage) {
  name: guid(resourceGroup().id, name, 'blob-data-contributor')
  scope: storage
  properties: {
    roleDefinitionId: blobDataContributor
    principalId: site.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: '${name}-bot'
  location: 'global'
  kind: 'azurebot'
  sku: {
    name: botSku
  }
  properties: {
    displayName: 'Beredskabsbot'
    endpoint: 'https://${site.properties.defaultHostName}/api/messages'
    msaAppId: microsoftAppId
    msaAppType: 'SingleTenant'
    msaAppTenantId: microsoftAppTenantId
  }
}

resource teams 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
    }
  }
}

@description('The messaging endpoint the Azure Bot sends to.')
output messagingEndpoint string = bot.properties.endpoint

@description('BOT_DOMAIN for `make package`.')
output botDomain string = site.properties.defaultHostName

@description('The storage account the instances share (empty without sharedStorage, or with your own account).')
output storageAccount string = ownStorage ? storage.name : ''

@description('The web app\'s managed identity: grant it "get" on the Key Vault secret when one is used.')
output principalId string = site.identity.principalId
