// Beredskabsbot on Azure: a Linux App Service (Python 3.11) running the production server, and a
// single-tenant Azure Bot whose Teams channel sends to it. Step by step: docs/deploy.md.
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

@description('Gunicorn workers. DATA_DIR on App Service is /home, a network share: keep 1 there (docs/deploy.md).')
param webConcurrency int = 1

param flowTimeoutMinutes string = '60'
param reminderRate string = '50'
param usageRetentionMonths string = '24'

@secure()
@description('Optional, not read yet: Azure Storage for conversation state in a later release.')
param azureStorageConnectionString string = ''

// Bot Framework endpoints: public Azure unless the bot runs in another cloud.
param toBotFromChannelOpenIdMetadataUrl string = 'https://login.botframework.com/v1/.well-known/openidconfiguration'
param toBotFromChannelTokenIssuer string = 'https://api.botframework.com'
param toChannelFromBotLoginUrl string = 'https://login.microsoftonline.com/'
param toChannelFromBotOAuthScope string = 'https://api.botframework.com'

var port = '8000'
var appPassword = empty(microsoftAppPasswordSecretUri) ? microsoftAppPassword : '@Microsoft.KeyVault(SecretUri=${microsoftAppPasswordSecretUri})'

resource hosting 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${name}-plan'
  location: location
  kind: 'linux'
  sku: {
    name: appServiceSku
    capacity: 1
  }
  properties: {
    reserved: true
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
          name: 'DATA_DIR'
          value: '/home/data'
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
          value: ''
        }
        {
          name: 'STORAGE_CONTAINER'
          value: 'beredskabsbot'
        }
      ]
    }
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

@description('The web app\'s managed identity: grant it "get" on the Key Vault secret when one is used.')
output principalId string = site.identity.principalId
