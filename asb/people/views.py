from flask import Blueprint

blueprint = Blueprint("people", __name__)
